// An EncoderStation over PC/SC (pcscd) through the pcsclite binding: the lane's real path to an encoder,
// hardware or vpcd. pcsclite is event-driven and callback-based with no timeouts of its own; this class adds
// the waiting, timeouts, typed errors and cleanup around it.
import type pcsclite from 'pcsclite';
import { Backoff } from './backoff';
import { CardChannel, EncoderStation, silentLog, StationLog } from './encoder-station';
import {
  CardCommunicationError,
  CardRemovedError,
  ChannelClosedError,
  formatPcscCode,
  NoCardError,
  ReaderUnavailableError,
  StationBusyError,
  StationError,
  TransmitTimeoutError,
} from './errors';
import { classifyPcscFailure, pcscReturnCodeOf } from './pcsc-return-codes';
import { closeContext, trackReader } from './pcsclite-handles';
import { transmitWithResponseChaining } from './response-chaining';

type PcscContext = pcsclite.PCSCLite;
type PcscReader = pcsclite.CardReader;

export interface PcscStationOptions {
  /** The reader's name or a prefix of it, e.g. "Virtual PCD 00 00" (pcscd may append slot numbers). */
  readonly readerName: string;
  /** Per APDU exchange (each GET RESPONSE round counts separately). Default 10 s. */
  readonly transmitTimeoutMs?: number;
  /** For SCardConnect. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /**
   * After an ambiguous transmit failure, how long to wait for pcscd to report the card gone before calling
   * it a communication error. pcscd polls vpcd every 400 ms; default 1500 ms.
   */
  readonly removalConfirmationMs?: number;
  readonly initialRestartDelayMs?: number;
  readonly maxRestartDelayMs?: number;
  readonly log?: StationLog;
}

/** Room for Ne = 65536 plus SW1 SW2. */
const MAX_RESPONSE_LENGTH = 65536 + 2;

export class PcscStation implements EncoderStation {
  readonly readerName: string;
  private readonly transmitTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly removalConfirmationMs: number;
  private readonly log: StationLog;
  private readonly restartBackoff: Backoff;
  private context: PcscContext | undefined;
  private nextContextAttemptAt = 0;
  private reader: PcscReader | undefined;
  private cardPresent = false;
  private atr: Uint8Array = new Uint8Array(0);
  private channel: PcscChannel | undefined;
  /** A disconnect still in flight; the next connect waits for it (pcsclite skips connect while "connected"). */
  private pendingDisconnect: Promise<void> = Promise.resolve();
  private readonly changeWaiters = new Set<() => void>();
  private closed = false;
  /** One waitForCard at a time, or two callers could each connect to the same card. */
  private waiting = false;
  private readonly channelHost: PcscChannelHost;

  constructor(options: PcscStationOptions) {
    this.readerName = options.readerName;
    this.transmitTimeoutMs = options.transmitTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.removalConfirmationMs = options.removalConfirmationMs ?? 1_500;
    this.log = options.log ?? silentLog;
    this.restartBackoff = new Backoff(
      options.initialRestartDelayMs ?? 250,
      options.maxRestartDelayMs ?? 5_000,
    );
    this.channelHost = {
      readerName: this.readerName,
      transmitTimeoutMs: this.transmitTimeoutMs,
      disconnect: (reader, disposition) => this.disconnect(reader, disposition),
      transmitFailure: (reader, error) => this.transmitFailure(reader, error),
    };
  }

  async waitForCard(timeoutMs: number): Promise<CardChannel> {
    if (this.waiting || (this.channel !== undefined && !this.channel.isClosed)) {
      throw new StationBusyError(this.readerName);
    }
    this.waiting = true;
    try {
      return await this.waitUntilConnected(Date.now() + timeoutMs, timeoutMs);
    } finally {
      this.waiting = false;
    }
  }

  private async waitUntilConnected(deadline: number, timeoutMs: number): Promise<CardChannel> {
    for (;;) {
      if (this.closed) throw new ReaderUnavailableError(this.readerName, 'station closed');
      await this.ensureContext();
      let connectFailed = false;
      if (this.reader !== undefined && this.cardPresent) {
        const channel = await this.tryConnect(this.reader, deadline);
        if (channel !== undefined) return channel;
        connectFailed = true;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        if (this.reader === undefined) {
          throw new ReaderUnavailableError(
            this.readerName,
            this.context ? 'reader not found' : 'pcscd not reachable',
          );
        }
        throw new NoCardError(this.readerName, timeoutMs);
      }
      // Without a context, wake up for the next attempt; after a failed connect, retry soon even without an event.
      const untilRetry =
        this.context === undefined ? Math.max(0, this.nextContextAttemptAt - Date.now()) : remaining;
      await this.nextChange(Math.min(remaining, untilRetry, connectFailed ? 200 : remaining));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notifyChange();
    await this.channel?.close();
    await this.pendingDisconnect;
    await this.teardownContext();
  }

  // ---- context and reader tracking -------------------------------------------------------------------

  private async ensureContext(): Promise<void> {
    if (this.context !== undefined || this.closed || Date.now() < this.nextContextAttemptAt) return;
    // Loaded on first use so that merely importing this library (embedded mode, unit tests) needs no native module.
    const { default: createContext } = await import('pcsclite');
    if (this.context !== undefined || this.closed) return;
    let context: PcscContext;
    try {
      context = createContext();
    } catch (error) {
      this.contextFailed(error);
      return;
    }
    this.context = context;
    context.on('reader', (reader) => this.onReader(context, reader));
    context.on('error', (error) => {
      if (this.context !== context) return; // pcsclite reports "Command cancelled" after its own close()
      this.log('pcsc-context-error', {
        reader: this.readerName,
        pcscCode: formatPcscCode(pcscReturnCodeOf(error)),
      });
      void this.teardownContext();
      this.contextFailed(error);
    });
  }

  private contextFailed(error: unknown): void {
    const delayMs = this.restartBackoff.next();
    this.nextContextAttemptAt = Date.now() + delayMs;
    this.log('pcsc-unavailable', {
      reader: this.readerName,
      pcscCode: formatPcscCode(pcscReturnCodeOf(error)),
      retryInMs: delayMs,
    });
    this.notifyChange();
  }

  private onReader(context: PcscContext, reader: PcscReader): void {
    trackReader(reader);
    // Every reader runs a status thread and may emit 'error'; an unheard 'error' would crash the process.
    reader.on('error', (error) => {
      if (this.context === context)
        this.log('pcsc-reader-error', {
          reader: reader.name,
          pcscCode: formatPcscCode(pcscReturnCodeOf(error)),
        });
    });
    if (this.context !== context || this.reader !== undefined || !reader.name.startsWith(this.readerName))
      return;
    this.reader = reader;
    this.restartBackoff.reset();
    this.log('pcsc-reader-found', { reader: reader.name });
    reader.on('status', (status) => {
      if (this.reader !== reader) return;
      const present =
        (status.state & reader.SCARD_STATE_PRESENT) !== 0 && (status.state & reader.SCARD_STATE_MUTE) === 0;
      this.cardPresent = present;
      if (status.atr !== undefined && status.atr.length > 0) this.atr = new Uint8Array(status.atr);
      if (!present) this.channel?.abort(new CardRemovedError(this.readerName));
      this.notifyChange();
    });
    reader.on('end', () => {
      if (this.reader !== reader) return;
      this.log('pcsc-reader-gone', { reader: reader.name });
      this.forgetReader(new ReaderUnavailableError(this.readerName, 'reader removed'));
    });
  }

  private forgetReader(reason: StationError): void {
    this.channel?.abort(reason);
    this.reader = undefined;
    this.cardPresent = false;
    this.notifyChange();
  }

  private async teardownContext(): Promise<void> {
    const context = this.context;
    if (context === undefined) return;
    this.context = undefined;
    this.forgetReader(new ReaderUnavailableError(this.readerName, 'pcscd connection lost'));
    // Both kinds of handle own a native thread and a libuv handle; all of them must close for the process to exit.
    await closeContext(context);
  }

  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.changeWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.changeWaiters.add(wake);
    });
  }

  private notifyChange(): void {
    for (const wake of [...this.changeWaiters]) wake();
  }

  // ---- connecting ------------------------------------------------------------------------------------

  private async tryConnect(reader: PcscReader, deadline: number): Promise<PcscChannel | undefined> {
    await this.pendingDisconnect;
    const timeoutMs = Math.max(1, Math.min(this.connectTimeoutMs, deadline - Date.now()));
    try {
      const protocol = await this.connect(reader, reader.SCARD_PROTOCOL_T1, timeoutMs).catch(
        (error: unknown) => {
          if (classifyPcscFailure(pcscReturnCodeOf(error)) !== 'protocol-mismatch') throw error;
          return this.connect(reader, reader.SCARD_PROTOCOL_T0, timeoutMs);
        },
      );
      if (this.reader !== reader || this.closed) {
        this.disconnect(reader, reader.SCARD_LEAVE_CARD);
        return undefined;
      }
      const channel = new PcscChannel(this.channelHost, reader, protocol, this.atr);
      this.channel = channel;
      this.log('pcsc-card-connected', {
        reader: reader.name,
        protocol: protocol === reader.SCARD_PROTOCOL_T1 ? 'T=1' : 'T=0',
      });
      return channel;
    } catch (error) {
      if (error instanceof ConnectTimeoutError) return undefined;
      const code = pcscReturnCodeOf(error);
      const kind = classifyPcscFailure(code);
      this.log('pcsc-connect-failed', { reader: reader.name, pcscCode: formatPcscCode(code), kind });
      // The card went away, or another process holds it: keep waiting until the deadline.
      if (kind === 'card-removed' || kind === 'sharing-violation' || kind === 'reader-unavailable')
        return undefined;
      throw new CardCommunicationError(this.readerName, code, { cause: error });
    }
  }

  private connect(reader: PcscReader, protocol: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      let abandoned = false;
      const timer = setTimeout(() => {
        abandoned = true;
        reject(new ConnectTimeoutError());
      }, timeoutMs);
      reader.connect({ share_mode: reader.SCARD_SHARE_EXCLUSIVE, protocol }, (error, actualProtocol) => {
        clearTimeout(timer);
        if (abandoned) {
          // Too late: release the handle so the next attempt can connect.
          if (!error) this.disconnect(reader, reader.SCARD_LEAVE_CARD);
          return;
        }
        if (error) reject(error);
        else if (actualProtocol === undefined) reject(new CardCommunicationError(this.readerName, undefined));
        else resolve(actualProtocol);
      });
    });
  }

  /** Releases the card handle in the background; bounded so a wedged pcscd cannot block close(). */
  private disconnect(reader: PcscReader, disposition: number): Promise<void> {
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.connectTimeoutMs);
      reader.disconnect(disposition, (error) => {
        clearTimeout(timer);
        if (error)
          this.log('pcsc-disconnect-failed', {
            reader: reader.name,
            pcscCode: formatPcscCode(pcscReturnCodeOf(error)),
          });
        resolve();
      });
    });
    this.pendingDisconnect = this.pendingDisconnect.then(() => done);
    return done;
  }

  // ---- used by PcscChannel ---------------------------------------------------------------------------

  /** Turns a failed SCardTransmit into a typed error, waiting briefly for pcscd to confirm a removal. */
  private async transmitFailure(reader: PcscReader, error: unknown): Promise<StationError> {
    const code = pcscReturnCodeOf(error);
    const kind = classifyPcscFailure(code);
    if (kind === 'card-removed') return new CardRemovedError(this.readerName, { cause: error });
    if (kind === 'reader-unavailable')
      return new ReaderUnavailableError(this.readerName, 'lost during transmit', { cause: error });
    const deadline = Date.now() + this.removalConfirmationMs;
    while (this.reader === reader && this.cardPresent && Date.now() < deadline) {
      await this.nextChange(deadline - Date.now());
    }
    if (this.reader !== reader)
      return new ReaderUnavailableError(this.readerName, 'lost during transmit', { cause: error });
    if (!this.cardPresent) return new CardRemovedError(this.readerName, { cause: error });
    return new CardCommunicationError(this.readerName, code, { cause: error });
  }
}

class ConnectTimeoutError extends Error {}

/** What a channel needs from its station, without reaching into the station's other state. */
interface PcscChannelHost {
  readonly readerName: string;
  readonly transmitTimeoutMs: number;
  disconnect(reader: PcscReader, disposition: number): Promise<void>;
  transmitFailure(reader: PcscReader, error: unknown): Promise<StationError>;
}

class PcscChannel implements CardChannel {
  private closedBy: StationError | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private rejectInFlight: ((error: StationError) => void) | undefined;

  constructor(
    private readonly station: PcscChannelHost,
    private readonly reader: PcscReader,
    private readonly protocol: number,
    readonly atr: Uint8Array,
  ) {}

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
    this.closedBy = new ChannelClosedError(this.station.readerName);
    await this.queue;
    // RESET so the next session starts with no AP selected and no security state, as a fresh card would.
    await this.station.disconnect(this.reader, this.reader.SCARD_RESET_CARD);
  }

  /** The station saw the card or reader go: fail the exchange in flight now rather than when pcscd gives up. */
  abort(reason: StationError): void {
    if (this.closedBy !== undefined) return;
    this.closedBy = reason;
    this.rejectInFlight?.(reason);
    void this.station.disconnect(this.reader, this.reader.SCARD_LEAVE_CARD);
  }

  private exchange(apdu: Uint8Array): Promise<Uint8Array> {
    if (this.closedBy !== undefined) return Promise.reject(this.closedBy);
    return new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.rejectInFlight = undefined;
        action();
      };
      this.rejectInFlight = (reason) => settle(() => reject(reason));
      const timer = setTimeout(() => {
        const reason = new TransmitTimeoutError(this.station.readerName, this.station.transmitTimeoutMs);
        settle(() => reject(reason));
        this.abort(reason);
      }, this.station.transmitTimeoutMs);
      this.reader.transmit(Buffer.from(apdu), MAX_RESPONSE_LENGTH, this.protocol, (error, response) => {
        if (settled) return;
        if (!error && response !== undefined) {
          settle(() => resolve(new Uint8Array(response)));
          return;
        }
        void this.station.transmitFailure(this.reader, error).then((reason) => {
          if (reason.code === 'CARD_REMOVED' || reason.code === 'READER_UNAVAILABLE') this.abort(reason);
          settle(() => reject(reason));
        });
      });
    });
  }
}
