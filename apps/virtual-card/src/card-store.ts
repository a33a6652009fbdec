// Card state files: <state-dir>/<SERIAL>.json, one per card, written atomically (temp file + rename) so a
// crash mid-write leaves the previous state, never half a file.
import fs from 'node:fs';
import path from 'node:path';
import { VirtualCard, type VirtualCardOptions } from '@mnc/virtual-card';

const SERIAL_PATTERN = /^[0-9A-F]{16}$/;

export function isCardSerial(text: string): boolean {
  return SERIAL_PATTERN.test(text);
}

export class CardStore {
  constructor(
    private readonly directory: string,
    /** What cards loaded from here are built with (their key generator). */
    readonly cardOptions: VirtualCardOptions = {},
  ) {
    fs.mkdirSync(directory, { recursive: true });
  }

  exists(serial: string): boolean {
    return isCardSerial(serial) && fs.existsSync(this.fileOf(serial));
  }

  /** Throws InvalidCardStateError for a corrupt file, ENOENT for a missing one (check exists() first). */
  load(serial: string): VirtualCard {
    return VirtualCard.fromState(JSON.parse(fs.readFileSync(this.fileOf(serial), 'utf8')), this.cardOptions);
  }

  /**
   * Synchronous on purpose: it runs inside the card's change notification, before the response APDU goes
   * back to pcscd, so a write the encoder saw acknowledged is on disk.
   */
  save(card: VirtualCard): void {
    const target = this.fileOf(card.serial);
    const temporary = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(card.toState(), null, 2)}\n`);
    fs.renameSync(temporary, target);
  }

  private fileOf(serial: string): string {
    if (!isCardSerial(serial)) throw new RangeError(`not a card serial: ${serial}`);
    return path.join(this.directory, `${serial}.json`);
  }
}
