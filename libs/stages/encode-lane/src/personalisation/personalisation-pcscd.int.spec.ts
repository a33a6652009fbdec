// The same entry points through pcscd: virtual cards fed to a vpcd reader (a free slot, taken under the
// virtual card's slot lock), the PC/SC station of the lanes, the real CA. 50 cards per profile, a card
// pulled out mid-encode, and
// OpenSC plus openssl as the independent readers of a legacy card this module wrote.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fromHex, type CardProfile } from '@mnc/card-profiles';
import { PcscStation, VpcdConnection } from '@mnc/pcsc';
import { VirtualCard } from '@mnc/virtual-card';
// The virtual card's slot lock, shared by every test that feeds pcscd's vpcd readers.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { acquireVpcdSlot, type VpcdSlot } from '../../../../../apps/virtual-card/src/testing/vpcd-slot';
import { PersonalisationError } from './errors';
import type { PersonalisationInput } from './input';
import { personaliseAttempt, type PersonalisationResult } from './personalise';
import { spoilAttempt } from './spoil';
import { verifyPersonalisedCard } from './verify-card';
import { issuanceFixture, startCaHarness, TEST_PINS, type CaHarness } from './testing/issuance-harness';

jest.setTimeout(600_000);

const run = promisify(execFile);
const PKCS11_MODULE = ['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/opensc-pkcs11.so'].find(
  (file) => fs.existsSync(file),
);

async function tool(
  command: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 30_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failure.stdout ?? '', stderr: failure.stderr ?? '', code: failure.code ?? -1 };
  }
}

let harness: CaHarness;
let slot: VpcdSlot;
let vpcd: VpcdConnection;
let serials = 0;
const blank = (profile: CardProfile) =>
  VirtualCard.blank(
    profile,
    fromHex(`C2${randomBytes(3).toString('hex')}${(++serials).toString(16).padStart(8, '0')}`),
  );

beforeAll(async () => {
  harness = await startCaHarness();
  slot = await acquireVpcdSlot();
  vpcd = new VpcdConnection({ port: slot.port });
});

afterAll(async () => {
  await vpcd?.eject();
  slot?.release();
  await harness?.stop();
});

/** Feeds the card and personalises it through a PC/SC station; the station is closed before returning. */
async function personaliseThroughPcscd(
  input: PersonalisationInput,
  card: VirtualCard,
  onCertificateIssued?: () => Promise<void>,
): Promise<{ result: PersonalisationResult; attemptId: string }> {
  await vpcd.insert(card, 10_000);
  const station = new PcscStation({ readerName: slot.reader });
  const attemptId = randomUUID();
  try {
    const result = await personaliseAttempt({
      station,
      input,
      attemptId,
      ca: harness.ca,
      expectedSerial: card.serial,
      ...(onCertificateIssued ? { onCertificateIssued } : {}),
    });
    return { result, attemptId };
  } catch (error) {
    throw Object.assign(error as Error, { attemptId });
  } finally {
    await station.close();
  }
}

async function qaThroughPcscd(input: PersonalisationInput, result: PersonalisationResult) {
  const station = new PcscStation({ readerName: slot.reader });
  try {
    return await verifyPersonalisedCard({ station, input, attempt: result, trust: harness.trust });
  } finally {
    await station.close();
  }
}

describe.each([
  ['legacy-rsa2048', 50],
  ['next-gen', 50],
] as const)('%s cards through pcscd', (profile, count) => {
  it(`personalises ${count} cards and reads each back`, async () => {
    for (let index = 0; index < count; index++) {
      const fixture = await issuanceFixture(harness.ca, profile, 50_000 + index);
      const card = blank(profile);
      const { result } = await personaliseThroughPcscd(fixture.input, card);
      const report = await qaThroughPcscd(fixture.input, result);
      await vpcd.eject();
      expect(report.notCheckable).toEqual([]);
      expect(report.chipSerial).toBe(card.serial.toUpperCase());
      expect(report.liveKeys).toHaveLength(profile === 'next-gen' ? 3 : 2);
      expect(card.summary().lifeCycle).toBe('operational');
    }
  });
});

describe('a card pulled out of the pcscd reader mid-encode', () => {
  it('fails with a typed error; spoiling revokes its certificate; a new blank passes', async () => {
    const fixture = await issuanceFixture(harness.ca, 'next-gen', 60_001);
    let pulled = false;
    let error: unknown;
    try {
      await personaliseThroughPcscd(fixture.input, blank('next-gen'), async () => {
        if (pulled) return;
        pulled = true;
        await vpcd.eject();
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PersonalisationError);
    expect(error).toMatchObject({ step: 'write-certificates' });
    expect(['CARD_REMOVED', 'CARD_COMMUNICATION', 'READER_UNAVAILABLE']).toContain(
      (error as PersonalisationError).causeCode,
    );
    const spoiledAttempt = (error as { attemptId: string }).attemptId;
    const spoiled = await spoilAttempt(harness.ca, {
      cardNumber: fixture.input.cardNumber,
      attemptId: spoiledAttempt,
    });
    expect(spoiled.revokedSerials).toHaveLength(1);

    const { result, attemptId } = await personaliseThroughPcscd(fixture.input, blank('next-gen'));
    await qaThroughPcscd(fixture.input, result);
    await vpcd.eject();
    const status = await harness.ca.cardStatus(fixture.input.cardNumber);
    expect(status.certificates.filter((c) => c.state === 'good').map((c) => c.attemptId)).toEqual([
      attemptId,
      attemptId,
      attemptId,
    ]);
    expect(status.certificates.filter((c) => c.attemptId === spoiledAttempt).map((c) => c.state)).toEqual([
      'revoked',
    ]);
  });
});

describe('a legacy-rsa2048 card written by personaliseAttempt, read by OpenSC', () => {
  let workDir: string;
  let reader: string;
  let issuedAuthentication: Uint8Array;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lane-opensc-'));
    const fixture = await issuanceFixture(harness.ca, 'legacy-rsa2048', 70_001);
    const { result } = await personaliseThroughPcscd(fixture.input, blank('legacy-rsa2048'));
    await qaThroughPcscd(fixture.input, result);
    issuedAuthentication = result.certificates.find(
      (c) => c.purpose === 'jpki-user-authentication',
    )!.certificate;
    const { stdout } = await tool('opensc-tool', ['--list-readers']);
    const index = stdout
      .split('\n')
      .find((line) => line.includes(slot.reader))
      ?.trim()
      .split(/\s+/)[0];
    if (index === undefined || !/^\d+$/.test(index))
      throw new Error(`OpenSC does not list ${slot.reader}:\n${stdout}`);
    reader = index;
  });

  afterAll(async () => {
    await vpcd.eject();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('pkcs15-tool lists the JPKI certificates', async () => {
    const { stdout, code } = await tool('pkcs15-tool', ['--reader', reader, '--list-certificates']);
    expect(code).toBe(0);
    expect([...stdout.matchAll(/Path\s*:\s*([0-9a-f]+)/g)].map((match) => match[1])).toEqual([
      '000a',
      '0001',
      '000b',
      '0002',
    ]);
  });

  it('pkcs11-tool signs after the PIN and openssl verifies with the certificate read from the card', async () => {
    expect(PKCS11_MODULE).toBeDefined();
    const data = path.join(workDir, 'data.bin');
    const signature = path.join(workDir, 'signature.bin');
    const certificate = path.join(workDir, 'auth.pem');
    const publicKey = path.join(workDir, 'auth-public.pem');
    fs.writeFileSync(data, `lane document ${randomUUID()}`);
    const signed = await tool('pkcs11-tool', [
      '--module',
      PKCS11_MODULE!,
      '--token-label',
      'JPKI (User Authentication PIN)',
      '--login',
      '--pin',
      TEST_PINS.userAuthenticationPin,
      '--sign',
      '-m',
      'SHA256-RSA-PKCS',
      '--id',
      '01',
      '-i',
      data,
      '-o',
      signature,
    ]);
    expect({ code: signed.code, stderr: signed.stderr }).toMatchObject({ code: 0 });

    const read = await tool('pkcs15-tool', ['--reader', reader, '--read-certificate', '01']);
    expect(read.code).toBe(0);
    fs.writeFileSync(certificate, read.stdout);
    const der = await tool('openssl', [
      'x509',
      '-in',
      certificate,
      '-outform',
      'DER',
      '-out',
      `${certificate}.der`,
    ]);
    expect(der.code).toBe(0);
    expect(Buffer.compare(fs.readFileSync(`${certificate}.der`), Buffer.from(issuedAuthentication))).toBe(0);
    expect(
      (await tool('openssl', ['x509', '-in', certificate, '-pubkey', '-noout', '-out', publicKey])).code,
    ).toBe(0);
    const verified = await tool('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      publicKey,
      '-signature',
      signature,
      data,
    ]);
    expect(verified.stdout.trim()).toBe('Verified OK');
    fs.appendFileSync(data, 'tampered');
    const tampered = await tool('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      publicKey,
      '-signature',
      signature,
      data,
    ]);
    expect(tampered.stdout.trim()).not.toBe('Verified OK');
  });
});
