// Integration tests share pcscd's two vpcd slots with the stack tests and each other. A test takes a slot
// whose reader is empty, under an exclusive lock directory (mkdir is atomic) naming its pid, so two of this
// repository's tests never feed the same reader; a lock whose process is gone is taken over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NoCardError, PcscStation, VPCD_DEFAULT_PORT } from '@mnc/pcsc';

export interface VpcdSlot {
  readonly port: number;
  readonly reader: string;
  release(): void;
}

const SLOTS = [
  { port: VPCD_DEFAULT_PORT, reader: 'Virtual PCD 00 00' },
  { port: VPCD_DEFAULT_PORT + 1, reader: 'Virtual PCD 00 01' },
];

function lockPath(port: number): string {
  return path.join(os.tmpdir(), `mnc-vpcd-slot-${port}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryLock(port: number): boolean {
  const dir = lockPath(port);
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(fs.readFileSync(path.join(dir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || NaN);
    if (Number.isInteger(owner) && alive(owner)) return false;
    fs.rmSync(dir, { recursive: true, force: true });
    return tryLock(port);
  }
  fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
  return true;
}

async function readerIsEmpty(reader: string): Promise<boolean> {
  const station = new PcscStation({ readerName: reader });
  try {
    const channel = await station.waitForCard(600);
    await channel.close();
    return false;
  } catch (error) {
    if (error instanceof NoCardError) return true;
    return false;
  } finally {
    await station.close();
  }
}

/** Waits up to timeoutMs for a free slot: locked by nobody here and no card in its reader. */
export async function acquireVpcdSlot(timeoutMs = 120_000): Promise<VpcdSlot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const slot of SLOTS) {
      if (!tryLock(slot.port)) continue;
      if (await readerIsEmpty(slot.reader)) {
        return { ...slot, release: () => fs.rmSync(lockPath(slot.port), { recursive: true, force: true }) };
      }
      fs.rmSync(lockPath(slot.port), { recursive: true, force: true });
    }
    if (Date.now() > deadline) throw new Error('no free vpcd slot: both readers are busy');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
