// Types for the parts of pcsclite@1.0.1 this library uses (the package ships none). Shapes follow
// node_modules/pcsclite/lib/pcsclite.js and src/cardreader.cpp.
declare module 'pcsclite' {
  import { EventEmitter } from 'node:events';

  namespace pcsclite {
    interface ReaderStatus {
      /** SCARD_STATE_* bits in the low 16 bits, pcscd's event counter in the high 16. */
      readonly state: number;
      readonly atr?: Buffer;
    }

    interface ConnectOptions {
      readonly share_mode?: number;
      readonly protocol?: number;
    }

    /** Callbacks get an Error whose message ends in "(0xXXXXXXXX)", the PC/SC return code. */
    type Callback<T = void> = (error: Error | null | undefined, result?: T) => void;

    interface CardReader extends EventEmitter {
      readonly name: string;
      /** Set by the native code after connect/disconnect succeed. */
      readonly connected: boolean;
      readonly SCARD_SHARE_EXCLUSIVE: number;
      readonly SCARD_SHARE_SHARED: number;
      readonly SCARD_PROTOCOL_T0: number;
      readonly SCARD_PROTOCOL_T1: number;
      readonly SCARD_STATE_EMPTY: number;
      readonly SCARD_STATE_PRESENT: number;
      readonly SCARD_STATE_MUTE: number;
      readonly SCARD_LEAVE_CARD: number;
      readonly SCARD_RESET_CARD: number;
      readonly SCARD_UNPOWER_CARD: number;
      connect(options: ConnectOptions, callback: Callback<number>): void;
      disconnect(disposition: number, callback: Callback): void;
      transmit(data: Buffer, maxResponseLength: number, protocol: number, callback: Callback<Buffer>): void;
      /** Stops the status thread; without it the process cannot exit. */
      close(): void;
      on(event: 'status', listener: (status: ReaderStatus) => void): this;
      on(event: 'error', listener: (error: Error) => void): this;
      on(event: 'end', listener: () => void): this;
    }

    interface PCSCLite extends EventEmitter {
      readonly readers: Readonly<Record<string, CardReader>>;
      /** Stops the reader-list thread; without it the process cannot exit. */
      close(): void;
      on(event: 'reader', listener: (reader: CardReader) => void): this;
      on(event: 'error', listener: (error: Error) => void): this;
    }
  }

  /** Throws synchronously when no PC/SC context can be established (pcscd not running). */
  function pcsclite(): pcsclite.PCSCLite;
  export = pcsclite;
}
