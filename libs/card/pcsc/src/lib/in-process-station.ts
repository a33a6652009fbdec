// An EncoderStation over a VirtualCard object in the same process: no PC/SC, same contract. Used by the
// embedded mode and by unit tests of anything that drives an encoder.
import { VirtualCard } from '@mnc/virtual-card';
import { CardChannel, EncoderStation } from './encoder-station';
import {
  CardRemovedError,
  ChannelClosedError,
  NoCardError,
  ReaderUnavailableError,
  StationBusyError,
  StationError,
} from './errors';
import { transmitWithResponseChaining } from './response-chaining';

interface Insertion {
  readonly card: VirtualCard;
  readonly id: number;
}

export class InProcessStation implements EncoderStation {
  private insertion: Insertion | undefined;
  private insertions = 0;
  private channel: InProcessChannel | undefined;
  private readonly waiters = new Set<() => void>();
  private closed = false;
  /** One waitForCard at a time, or two callers could each get a channel to the same card. */
  private waiting = false;

  constructor(readonly readerName = 'In-process virtual reader') {}

  get card(): VirtualCard | undefined {
    return this.insertion?.card;
  }

  /** Feeds a card into the station, taking out any card already there; the card is powered on. */
  insert(card: VirtualCard): void {
    if (this.insertion !== undefined) this.eject();
    card.powerOn();
    this.insertion = { card, id: ++this.insertions };
    for (const wake of [...this.waiters]) wake();
  }

  /** Takes the card out; an open channel fails its next (or pending) transmit with CardRemovedError. */
  eject(): VirtualCard | undefined {
    const card = this.insertion?.card;
    this.insertion = undefined;
    this.channel?.abort(new CardRemovedError(this.readerName));
    card?.powerOff();
    return card;
  }

  async waitForCard(timeoutMs: number): Promise<CardChannel> {
    if (this.closed) throw new ReaderUnavailableError(this.readerName, 'station closed');
    if (this.waiting || (this.channel !== undefined && !this.channel.isClosed)) {
      throw new StationBusyError(this.readerName);
    }
    this.waiting = true;
    try {
      return await this.waitForInsertion(Date.now() + timeoutMs, timeoutMs);
    } finally {
      this.waiting = false;
    }
  }

  private async waitForInsertion(deadline: number, timeoutMs: number): Promise<CardChannel> {
    while (this.insertion === undefined) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new NoCardError(this.readerName, timeoutMs);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.waiters.add(wake);
      });
      if (this.closed) throw new ReaderUnavailableError(this.readerName, 'station closed');
    }
    const insertion = this.insertion;
    this.channel = new InProcessChannel(
      this.readerName,
      insertion,
      () => this.insertion?.id === insertion.id,
    );
    return this.channel;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
    await this.channel?.close();
  }
}

class InProcessChannel implements CardChannel {
  private closedBy: StationError | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly readerName: string,
    private readonly insertion: Insertion,
    private readonly stillInserted: () => boolean,
  ) {}

  get atr(): Uint8Array {
    return this.insertion.card.atr;
  }

  get isClosed(): boolean {
    return this.closedBy !== undefined;
  }

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const result = this.queue.then(() =>
      transmitWithResponseChaining((command) => this.exchange(command), apdu),
    );
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    if (this.closedBy !== undefined) return;
    this.closedBy = new ChannelClosedError(this.readerName);
    await this.queue;
    // Like SCARD_RESET_CARD on the PC/SC station: the next session starts clean.
    if (this.stillInserted()) this.insertion.card.reset();
  }

  abort(reason: StationError): void {
    this.closedBy ??= reason;
  }

  private async exchange(apdu: Uint8Array): Promise<Uint8Array> {
    if (this.closedBy !== undefined) throw this.closedBy;
    if (!this.stillInserted()) throw new CardRemovedError(this.readerName);
    return this.insertion.card.transmit(apdu);
  }
}
