// Command APDUs for this card, as an encoder (or a test) sends them. The card's own table is in virtual-card.ts.
import { encodeCommandApdu, MAX_SHORT_NE } from './apdu';
import { applicationAid, ApplicationName } from './applications';
import { TAG_CARD_SERIAL } from './commands/get-data';
import { encodeFileCreationParameters, FileCreationParameters } from './file-control-parameters';

const CLA = 0x00;
const CLA_PROPRIETARY = 0x80;

export const CardCommand = {
  selectApplication(name: ApplicationName): Uint8Array {
    return encodeCommandApdu({ cla: CLA, ins: 0xa4, p1: 0x04, p2: 0x0c, data: applicationAid(name) });
  },
  selectFile(fid: number): Uint8Array {
    return encodeCommandApdu({
      cla: CLA,
      ins: 0xa4,
      p1: 0x02,
      p2: 0x0c,
      data: Uint8Array.of(fid >> 8, fid & 0xff),
    });
  },
  /** READ BINARY of the current EF; Ne above 256 switches to an extended Le. */
  readBinary(offset: number, ne: number = MAX_SHORT_NE): Uint8Array {
    return encodeCommandApdu({ cla: CLA, ins: 0xb0, p1: (offset >> 8) & 0x7f, p2: offset & 0xff, ne });
  },
  /** READ BINARY by short EF identifier (1..30); offset 0..255. */
  readBinaryBySfi(sfi: number, offset = 0, ne: number = MAX_SHORT_NE): Uint8Array {
    return encodeCommandApdu({ cla: CLA, ins: 0xb0, p1: 0x80 | sfi, p2: offset, ne });
  },
  updateBinary(offset: number, data: Uint8Array): Uint8Array {
    return encodeCommandApdu({ cla: CLA, ins: 0xd6, p1: (offset >> 8) & 0x7f, p2: offset & 0xff, data });
  },
  createFile(parameters: FileCreationParameters): Uint8Array {
    return encodeCommandApdu({
      cla: CLA,
      ins: 0xe0,
      p1: 0,
      p2: 0,
      data: encodeFileCreationParameters(parameters),
    });
  },
  getSerial(ne: number = MAX_SHORT_NE): Uint8Array {
    return encodeCommandApdu({
      cla: CLA,
      ins: 0xca,
      p1: TAG_CARD_SERIAL >> 8,
      p2: TAG_CARD_SERIAL & 0xff,
      ne,
    });
  },
  closePersonalisation(): Uint8Array {
    return encodeCommandApdu({ cla: CLA_PROPRIETARY, ins: 0xf0, p1: 0, p2: 0 });
  },
} as const;
