// The card side of vpcd: a TCP client that plays a VirtualCard into pcscd's "Virtual PCD" reader.
// Connected = card in the reader; closing the connection is how pcscd sees the card removed.
import net from 'node:net';
import { SW, VirtualCard } from '@mnc/virtual-card';
import { Backoff } from './backoff';
import { silentLog, StationLog } from './encoder-station';
import {
  answerVpcdMessage,
  encodeVpcdFrame,
  VPCD_DEFAULT_HOST,
  VPCD_DEFAULT_PORT,
  VpcdFrameDecoder,
} from './vpcd-protocol';

export interface VpcdConnectionOptions {
  /** Default 127.0.0.1: pcscd's vpcd listens on every interface, so never point this off the machine. */
  readonly host?: string;
  /** Default 35963 (slot 0); 35964 is slot 1. */
  readonly port?: number;
  readonly initialReconnectDelayMs?: number;
  readonly maxReconnectDelayMs?: number;
  readonly log?: StationLog;
}

/** insert() gave up waiting for pcscd; the connection keeps retrying until eject(). */
export class VpcdUnreachableError extends Error {
  readonly code = 'VPCD_UNREACHABLE' as const;
  constructor(address: string, timeoutMs: number) {
    super(`pcscd's vpcd at ${address} did not poll the card within ${timeoutMs} ms; still retrying`);
    this.name = 'VpcdUnreachableError';
  }
}

/** eject() or another insert() came before pcscd polled the card. */
export class InsertInterruptedError extends Error {
  readonly code = 'INSERT_INTERRUPTED' as const;
  constructor() {
    super('the card was ejected before pcscd polled it');
    this.name = 'InsertInterruptedError';
  }
}

interface PollWaiter {
  resolve(): void;
  reject(error: Error): void;
}

export class VpcdConnection {
  private readonly host: string;
  private readonly port: number;
  private readonly log: StationLog;
  private readonly backoff: Backoff;
  private inserted: VirtualCard | undefined;
  private socket: net.Socket | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Bumped by insert/eject so events of an old socket cannot touch the new card. */
  private generation = 0;
  private polled = false;
  private pollWaiters: PollWaiter[] = [];

  constructor(options: VpcdConnectionOptions = {}) {
    this.host = options.host ?? VPCD_DEFAULT_HOST;
    this.port = options.port ?? VPCD_DEFAULT_PORT;
    this.log = options.log ?? silentLog;
    this.backoff = new Backoff(options.initialReconnectDelayMs ?? 100, options.maxReconnectDelayMs ?? 5000);
  }

  get card(): VirtualCard | undefined {
    return this.inserted;
  }

  /** True once pcscd has talked to the current card over the current connection. */
  get present(): boolean {
    return this.inserted !== undefined && this.polled;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /**
   * Puts the card in the reader, ejecting any card already there. Resolves when pcscd has polled it (it is
   * then visible to PC/SC clients); rejects with VpcdUnreachableError after timeoutMs, but the card stays
   * inserted and the connection keeps retrying with backoff, as it does whenever pcscd restarts.
   */
  async insert(card: VirtualCard, timeoutMs = 5000): Promise<void> {
    if (this.inserted !== undefined) await this.eject();
    this.inserted = card;
    this.generation++;
    this.backoff.reset();
    const polled = this.waitUntilPolled(timeoutMs);
    this.connect();
    return polled;
  }

  /** Takes the card out: closes the connection (pcscd sees a removal) and stops reconnecting. */
  async eject(): Promise<void> {
    const card = this.inserted;
    this.inserted = undefined;
    this.generation++;
    this.polled = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    for (const waiter of this.pollWaiters.splice(0)) waiter.reject(new InsertInterruptedError());
    card?.powerOff();
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      });
    }
    if (card !== undefined) this.log('vpcd-card-ejected', { serial: card.serial, address: this.address });
  }

  private waitUntilPolled(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pollWaiters = this.pollWaiters.filter((waiter) => waiter !== entry);
        reject(new VpcdUnreachableError(this.address, timeoutMs));
      }, timeoutMs);
      const entry: PollWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.pollWaiters.push(entry);
    });
  }

  private connect(): void {
    const card = this.inserted;
    if (card === undefined) return;
    const generation = this.generation;
    const decoder = new VpcdFrameDecoder();
    this.polled = false;
    // A fresh connection is a fresh insertion: the card starts unpowered, as when it touches the contacts.
    card.powerOff();
    const socket = net.connect({ host: this.host, port: this.port });
    // Each reply is one write; without this Nagle could hold it back waiting for an ACK.
    socket.setNoDelay(true);
    this.socket = socket;

    socket.on('data', (chunk) => {
      if (generation !== this.generation) return;
      for (const message of decoder.push(chunk)) {
        if (!this.polled) this.onFirstPoll(card);
        const reply = this.answer(card, message);
        if (reply !== undefined) socket.write(encodeVpcdFrame(reply));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.log('vpcd-connection-error', { address: this.address, errno: error.code });
    });
    socket.on('close', () => {
      if (generation !== this.generation || this.socket !== socket) return;
      this.socket = undefined;
      this.polled = false;
      const delayMs = this.backoff.next();
      this.log('vpcd-disconnected', { address: this.address, serial: card.serial, retryInMs: delayMs });
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        if (generation === this.generation) this.connect();
      }, delayMs);
    });
  }

  private onFirstPoll(card: VirtualCard): void {
    this.polled = true;
    this.backoff.reset();
    this.log('vpcd-card-present', { address: this.address, serial: card.serial });
    for (const waiter of this.pollWaiters.splice(0)) waiter.resolve();
  }

  /** A bug in the card model must not drop the connection (pcscd would see a removal): answer 6F00 instead. */
  private answer(card: VirtualCard, message: Uint8Array): Uint8Array | undefined {
    try {
      return answerVpcdMessage(card, message);
    } catch (error) {
      this.log('virtual-card-internal-error', { serial: card.serial, error: String(error) });
      return message.length > 1
        ? Uint8Array.of(SW.NO_PRECISE_DIAGNOSIS >> 8, SW.NO_PRECISE_DIAGNOSIS & 0xff)
        : undefined;
    }
  }
}
