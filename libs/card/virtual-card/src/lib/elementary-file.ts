import { AccessCondition } from '@mnc/card-profiles';

/** READ/UPDATE BINARY address files with a 15-bit offset, so no byte past 32767 could ever be reached. */
export const MAX_EF_SIZE = 0x7fff;

/** What a file holds before anything is written to it. */
export const UNWRITTEN_BYTE = 0x00;

/** MF, the reserved "current DF" id, and the RFU values cannot name an EF. */
const RESERVED_FIDS: ReadonlySet<number> = new Set([0x0000, 0x3f00, 0x3fff, 0xffff]);

export function isUsableFid(fid: number): boolean {
  return Number.isInteger(fid) && fid >= 0 && fid <= 0xffff && !RESERVED_FIDS.has(fid);
}

/**
 * Short EF identifier: ISO's default of the FID's low five bits, which is how JPKI readers address
 * 0001..001E (e.g. `00 B0 8A 00` reads 000A, VERIFY `00 20 00 98` uses 0018). FIDs outside 1..30 have none.
 */
export function defaultSfi(fid: number): number | undefined {
  return fid >= 0x0001 && fid <= 0x001e ? fid : undefined;
}

export class ElementaryFile {
  constructor(
    readonly fid: number,
    readonly readAccess: AccessCondition,
    /** Fixed-size content; the size is set at creation and never changes. */
    readonly content: Uint8Array,
  ) {}

  static create(fid: number, size: number, readAccess: AccessCondition): ElementaryFile {
    return new ElementaryFile(fid, readAccess, new Uint8Array(size).fill(UNWRITTEN_BYTE));
  }

  get size(): number {
    return this.content.length;
  }

  get sfi(): number | undefined {
    return defaultSfi(this.fid);
  }
}

export function formatFid(fid: number): string {
  return fid.toString(16).toUpperCase().padStart(4, '0');
}
