// The host side of docs/apdu-spec.md over any transmit function (a PC/SC channel, an in-process card):
// each method sends the documented command, checks the status word and parses the answer.
import { parseResponseApdu } from './apdu';
import { ApplicationName } from './applications';
import { concatBytes } from './bytes';
import { CardCommand, ObjectReference } from './commands';
import { AccessCondition } from './access-condition';
import { formatFid } from './identifiers';
import { CardPublicKey, parsePublicKey } from './public-key';
import { describeStatusWord, SW, triesLeftOf } from './status-words';

export type Transmit = (apdu: Uint8Array) => Promise<Uint8Array>;

/** The card answered something other than what the step needs; `sw` is the status word. */
export class CardStatusError extends Error {
  readonly code = 'CARD_STATUS' as const;
  constructor(
    readonly step: string,
    readonly sw: number,
  ) {
    super(`${step} answered ${describeStatusWord(sw)}`);
    this.name = 'CardStatusError';
  }
}

/** What VERIFY answered: verified, or the tries left (0 = blocked). */
export type VerifyResult =
  { readonly verified: true } | { readonly verified: false; readonly triesLeft: number };

/** Bytes READ BINARY asks for per command: what OpenSC and today's readers use. */
export const READ_CHUNK = 256;
/** Bytes per UPDATE BINARY: short Lc, no extended length needed from the reader. */
export const WRITE_CHUNK = 255;

export class CardSession {
  /** APDUs and bytes (command + response) exchanged, for benchmarks and logs. */
  readonly traffic = { apdus: 0, bytesOut: 0, bytesIn: 0 };

  constructor(private readonly transmit: Transmit) {}

  /** Sends one command; resolves with its data when the card answers 9000, otherwise CardStatusError. */
  async send(step: string, apdu: Uint8Array): Promise<Uint8Array> {
    const { data, sw } = await this.exchange(apdu);
    if (sw !== SW.SUCCESS) throw new CardStatusError(step, sw);
    return data;
  }

  /** Sends one command and returns data and status word whatever they are. */
  async exchange(apdu: Uint8Array): Promise<{ data: Uint8Array; sw: number }> {
    const response = await this.transmit(apdu);
    this.traffic.apdus++;
    this.traffic.bytesOut += apdu.length;
    this.traffic.bytesIn += response.length;
    return parseResponseApdu(response);
  }

  async serial(): Promise<Uint8Array> {
    return this.send('GET DATA serial', CardCommand.getSerial());
  }

  async selectApplication(name: ApplicationName): Promise<void> {
    await this.send(`SELECT ${name}`, CardCommand.selectApplication(name));
  }

  async selectFile(fid: number): Promise<void> {
    await this.send(`SELECT EF ${formatFid(fid)}`, CardCommand.selectFile(fid));
  }

  /**
   * Reads the current EF. A file starting with a DER SEQUENCE (30 82 LL LL, a certificate) is read the way
   * OpenSC reads it: 4 bytes, then the rest in 256-byte chunks, and only the DER object is returned.
   * Otherwise `length` bytes, or up to the end of the file when it is omitted.
   */
  async readCurrentFile(length?: number): Promise<Uint8Array> {
    let total = length;
    const parts: Uint8Array[] = [];
    let offset = 0;
    if (total === undefined) {
      const head = await this.send('READ BINARY', CardCommand.readBinary(0, 4));
      if (head.length === 4 && head[0] === 0x30 && head[1] === 0x82) total = ((head[2] << 8) | head[3]) + 4;
      parts.push(head);
      offset = head.length;
      if (head.length < 4) return head;
    }
    while (total === undefined || offset < total) {
      const want = total === undefined ? READ_CHUNK : Math.min(READ_CHUNK, total - offset);
      const { data, sw } = await this.exchange(CardCommand.readBinary(offset, want));
      if (sw === SW.WRONG_PARAMETERS_OFFSET_OUTSIDE_EF && total === undefined) break;
      if (sw !== SW.SUCCESS) throw new CardStatusError(`READ BINARY at ${offset}`, sw);
      parts.push(data);
      offset += data.length;
      if (data.length < want) break;
    }
    const content = concatBytes(...parts);
    return total === undefined ? content : content.subarray(0, total);
  }

  async readFile(fid: number, length?: number): Promise<Uint8Array> {
    await this.selectFile(fid);
    return this.readCurrentFile(length);
  }

  /** CREATE FILE of exactly the content's size, then UPDATE BINARY in chunks (personalisation only). */
  async writeFile(
    fid: number,
    content: Uint8Array,
    readAccess: AccessCondition,
    size = content.length,
  ): Promise<void> {
    await this.send(`CREATE FILE ${formatFid(fid)}`, CardCommand.createFile({ fid, size, readAccess }));
    for (let offset = 0; offset < content.length; offset += WRITE_CHUNK) {
      await this.send(
        `UPDATE BINARY ${formatFid(fid)}`,
        CardCommand.updateBinary(offset, content.subarray(offset, offset + WRITE_CHUNK)),
      );
    }
  }

  async verify(reference: ObjectReference, value: Uint8Array | string): Promise<VerifyResult> {
    return verifyResult('VERIFY', await this.exchange(CardCommand.verify(reference, value)));
  }

  /** Tries left without presenting a value (empty VERIFY, always answered 63Cx). */
  async triesLeft(reference: ObjectReference): Promise<number> {
    const { sw } = await this.exchange(CardCommand.verify(reference));
    const tries = triesLeftOf(sw);
    if (tries === undefined) throw new CardStatusError('VERIFY (no data)', sw);
    return tries;
  }

  async changeReferenceData(reference: ObjectReference, newValue: Uint8Array | string): Promise<void> {
    await this.send('CHANGE REFERENCE DATA', CardCommand.changeReferenceData(reference, newValue));
  }

  async resetRetryCounter(reference: ObjectReference, puk: string, newValue?: string): Promise<VerifyResult> {
    return verifyResult(
      'RESET RETRY COUNTER',
      await this.exchange(CardCommand.resetRetryCounter(reference, puk, newValue)),
    );
  }

  async generateKeyPair(reference: ObjectReference): Promise<CardPublicKey> {
    return parsePublicKey(
      await this.send('GENERATE ASYMMETRIC KEY PAIR', CardCommand.generateKeyPair(reference)),
    );
  }

  async publicKey(reference: ObjectReference): Promise<CardPublicKey> {
    return parsePublicKey(await this.send('GET PUBLIC KEY', CardCommand.getPublicKey(reference)));
  }

  async sign(reference: ObjectReference, input: Uint8Array): Promise<Uint8Array> {
    return this.send('SIGN', CardCommand.sign(reference, input));
  }

  async internalAuthenticate(reference: ObjectReference, challenge: Uint8Array): Promise<Uint8Array> {
    return this.send('INTERNAL AUTHENTICATE', CardCommand.internalAuthenticate(reference, challenge));
  }

  async closePersonalisation(): Promise<void> {
    await this.send('CLOSE PERSONALISATION', CardCommand.closePersonalisation());
  }
}

function verifyResult(step: string, { sw }: { sw: number }): VerifyResult {
  if (sw === SW.SUCCESS) return { verified: true };
  const tries = triesLeftOf(sw);
  if (tries !== undefined) return { verified: false, triesLeft: tries };
  if (sw === SW.REFERENCE_DATA_NOT_USABLE) return { verified: false, triesLeft: 0 };
  throw new CardStatusError(step, sw);
}
