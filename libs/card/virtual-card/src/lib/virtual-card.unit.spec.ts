import {
  ALWAYS,
  AccessCondition,
  ApplicationName,
  CardCommand,
  CardProfile,
  describeStatusWord,
  encodeCommandApdu,
  encodeFileCreationParameters,
  fromHex,
  hex,
  NEVER,
  parseResponseApdu,
  ResponseApdu,
  SW,
} from '@mnc/card-profiles';
import { VirtualCard } from './virtual-card';

const SERIAL = fromHex('4D4E430000000001');
const TOKEN_INFO = 0x0006;

function blankCard(profile: CardProfile = 'legacy-rsa2048'): VirtualCard {
  const card = VirtualCard.blank(profile, SERIAL);
  card.powerOn();
  return card;
}

function send(card: VirtualCard, apdu: Uint8Array | string): ResponseApdu {
  return parseResponseApdu(card.transmit(typeof apdu === 'string' ? fromHex(apdu) : apdu));
}

/** Compares status words by name so a failure reads "6A82 FILE_NOT_FOUND", not 27266. */
function expectStatus(response: ResponseApdu, sw: number): void {
  expect(describeStatusWord(response.sw)).toBe(describeStatusWord(sw));
}

function expectOk(response: ResponseApdu): ResponseApdu {
  expectStatus(response, SW.SUCCESS);
  return response;
}

function pattern(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
}

/** A blank card with one written EF in the JPKI AP, left selected as the current EF. */
function cardWithFile(
  options: { fid?: number; content?: Uint8Array; readAccess?: AccessCondition; app?: ApplicationName } = {},
) {
  const { fid = TOKEN_INFO, content = pattern(160), readAccess = ALWAYS, app = 'jpki' } = options;
  const card = blankCard();
  expectOk(send(card, CardCommand.selectApplication(app)));
  expectOk(send(card, CardCommand.createFile({ fid, size: content.length, readAccess })));
  expectOk(send(card, encodeCommandApdu({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: content })));
  return { card, content };
}

describe('VirtualCard', () => {
  describe('dispatch', () => {
    it('answers 6E00 to a CLA it does not support', () => {
      expectStatus(send(blankCard(), '0CA4040C0AD392F000260100000001'), SW.CLA_NOT_SUPPORTED);
    });

    it('answers 6D00 to an unknown instruction', () => {
      expectStatus(send(blankCard(), '00DA0000'), SW.INS_NOT_SUPPORTED);
    });

    it('answers 6D00 to an ISO instruction sent with the proprietary CLA', () => {
      expectStatus(send(blankCard(), '80B0000010'), SW.INS_NOT_SUPPORTED);
    });

    it('answers 6700 to inconsistent length fields', () => {
      expectStatus(send(blankCard(), '00A4040C0AD392F0'), SW.WRONG_LENGTH);
    });

    it('answers 6700 to fewer than four bytes', () => {
      expectStatus(send(blankCard(), '00A4'), SW.WRONG_LENGTH);
    });
  });

  describe('SELECT application', () => {
    it.each<ApplicationName>(['jpki', 'text', 'visual', 'resident-register', 'common'])(
      'selects the %s AP by AID with 9000 and no data',
      (app) => {
        const response = expectOk(send(blankCard(), CardCommand.selectApplication(app)));
        expect(response.data.length).toBe(0);
      },
    );

    it('accepts P2=00 and still answers without FCI', () => {
      const response = expectOk(send(blankCard(), '00A404000AD392F000260100000001'));
      expect(response.data.length).toBe(0);
    });

    it('answers 6A82 to an unknown AID', () => {
      expectStatus(send(blankCard(), '00A4040C07A0000000030000'), SW.FILE_NOT_FOUND);
    });

    it('answers 6A86 to an unsupported P2', () => {
      expectStatus(send(blankCard(), '00A40404 0AD392F000260100000001'), SW.INCORRECT_P1_P2);
    });

    it('answers 6A86 to an unsupported P1', () => {
      expectStatus(send(blankCard(), '00A4080C02000A'), SW.INCORRECT_P1_P2);
    });

    it('answers 6700 when the AID is missing', () => {
      expectStatus(send(blankCard(), '00A4040C'), SW.WRONG_LENGTH);
    });

    it('keeps the current AP when a SELECT fails', () => {
      const { card } = cardWithFile();
      send(card, '00A4040C07A0000000030000');
      expectOk(send(card, CardCommand.selectFile(TOKEN_INFO)));
    });
  });

  describe('SELECT EF', () => {
    it('selects a file of the current AP', () => {
      const { card } = cardWithFile();
      expectOk(send(card, CardCommand.selectFile(TOKEN_INFO)));
    });

    it('answers 6A82 for a FID the AP does not have', () => {
      const { card } = cardWithFile();
      expectStatus(send(card, CardCommand.selectFile(0x000b)), SW.FILE_NOT_FOUND);
    });

    it('answers 6A82 before any AP is selected', () => {
      expectStatus(send(blankCard(), CardCommand.selectFile(TOKEN_INFO)), SW.FILE_NOT_FOUND);
    });

    it('does not see files of another AP', () => {
      const { card } = cardWithFile({ app: 'jpki' });
      expectOk(send(card, CardCommand.selectApplication('text')));
      expectStatus(send(card, CardCommand.selectFile(TOKEN_INFO)), SW.FILE_NOT_FOUND);
    });

    it('answers 6700 when the FID is not two bytes', () => {
      const { card } = cardWithFile();
      expectStatus(send(card, '00A4020C0106'), SW.WRONG_LENGTH);
    });
  });

  describe('READ BINARY', () => {
    it('reads from an offset of the current EF', () => {
      const { card, content } = cardWithFile();
      const response = expectOk(send(card, CardCommand.readBinary(10, 4)));
      expect(response.data).toEqual(content.slice(10, 14));
    });

    it('reads a file in chunks that join to the whole file', () => {
      const { card, content } = cardWithFile({ fid: 0x000a, content: pattern(1000) });
      const chunks: Uint8Array[] = [];
      for (let offset = 0; offset < content.length; offset += 256) {
        chunks.push(expectOk(send(card, CardCommand.readBinary(offset, 256))).data);
      }
      expect(Buffer.concat(chunks)).toEqual(Buffer.from(content));
    });

    it('returns the remaining bytes with 9000 when Ne runs past the end', () => {
      const { card, content } = cardWithFile();
      const response = expectOk(send(card, CardCommand.readBinary(150, 256)));
      expect(response.data).toEqual(content.slice(150));
    });

    it('answers an extended Le with more than 256 bytes', () => {
      const { card, content } = cardWithFile({ fid: 0x000a, content: pattern(3000) });
      const response = expectOk(send(card, CardCommand.readBinary(0, 2048)));
      expect(response.data).toEqual(content.slice(0, 2048));
    });

    it('reads with an offset above 255 (P1 carries the high bits)', () => {
      const { card, content } = cardWithFile({ fid: 0x000a, content: pattern(3000) });
      const response = expectOk(send(card, CardCommand.readBinary(0x0501, 3)));
      expect(response.data).toEqual(content.slice(0x0501, 0x0504));
    });

    it('reads by short EF identifier without a SELECT EF', () => {
      const { card, content } = cardWithFile({ fid: 0x000a, content: pattern(300) });
      expectOk(send(card, CardCommand.selectApplication('jpki')));
      const response = expectOk(send(card, CardCommand.readBinaryBySfi(0x0a, 0x10, 4)));
      expect(response.data).toEqual(content.slice(0x10, 0x14));
    });

    it('makes the EF read by short identifier the current EF', () => {
      const { card, content } = cardWithFile({ fid: 0x000a, content: pattern(300) });
      expectOk(send(card, CardCommand.selectApplication('jpki')));
      expectOk(send(card, CardCommand.readBinaryBySfi(0x0a, 0, 1)));
      expect(expectOk(send(card, CardCommand.readBinary(0x100, 2))).data).toEqual(
        content.slice(0x100, 0x102),
      );
    });

    it('answers 6A82 to a short EF identifier the AP does not have', () => {
      const { card } = cardWithFile({ fid: 0x000a });
      expectStatus(send(card, CardCommand.readBinaryBySfi(0x0b)), SW.FILE_NOT_FOUND);
    });

    it('answers 6A86 when P1 bits 7-6 are set in the short-identifier form', () => {
      const { card } = cardWithFile({ fid: 0x000a });
      expectStatus(send(card, '00B0CA0010'), SW.INCORRECT_P1_P2);
    });

    it('answers 6A86 to short EF identifier 0', () => {
      const { card } = cardWithFile();
      expectStatus(send(card, '00B0800010'), SW.INCORRECT_P1_P2);
    });

    it('answers 6B00 to an offset at or past the end of the file', () => {
      const { card, content } = cardWithFile();
      expectStatus(
        send(card, CardCommand.readBinary(content.length, 1)),
        SW.WRONG_PARAMETERS_OFFSET_OUTSIDE_EF,
      );
    });

    it('answers 6986 when no EF is current', () => {
      const card = blankCard();
      expectOk(send(card, CardCommand.selectApplication('jpki')));
      expectStatus(send(card, CardCommand.readBinary(0, 4)), SW.COMMAND_NOT_ALLOWED_NO_CURRENT_EF);
    });

    it('answers 6982 for a file whose read access is never', () => {
      const { card } = cardWithFile({ fid: 0x0030, readAccess: NEVER });
      expectStatus(send(card, CardCommand.readBinary(0, 4)), SW.SECURITY_STATUS_NOT_SATISFIED);
    });

    it('answers 6700 without an Le', () => {
      const { card } = cardWithFile();
      expectStatus(send(card, '00B00000'), SW.WRONG_LENGTH);
    });

    it('answers 6700 when a data field is sent', () => {
      const { card } = cardWithFile();
      expectStatus(send(card, '00B000000100 10'), SW.WRONG_LENGTH);
    });

    it('reads the unwritten part of a file as 00', () => {
      const card = blankCard();
      send(card, CardCommand.selectApplication('jpki'));
      expectOk(send(card, CardCommand.createFile({ fid: 0x000b, size: 8, readAccess: ALWAYS })));
      expect(hex(expectOk(send(card, CardCommand.readBinary(0, 8))).data)).toBe('0000000000000000');
    });
  });

  describe('UPDATE BINARY during personalisation', () => {
    it('writes at an offset', () => {
      const { card } = cardWithFile();
      expectOk(send(card, CardCommand.updateBinary(4, fromHex('CAFE'))));
      expect(hex(expectOk(send(card, CardCommand.readBinary(4, 2))).data)).toBe('CAFE');
    });

    it('writes by short EF identifier', () => {
      const { card } = cardWithFile({ fid: 0x0008, content: new Uint8Array(3) });
      expectOk(send(card, '00D6880003 8F8F00'));
      expect(hex(expectOk(send(card, CardCommand.readBinary(0, 3))).data)).toBe('8F8F00');
    });

    it('accepts an extended Lc', () => {
      const { card } = cardWithFile({ fid: 0x000a, content: new Uint8Array(2000) });
      const data = pattern(1500);
      expectOk(send(card, CardCommand.updateBinary(100, data)));
      expect(expectOk(send(card, CardCommand.readBinary(100, 1500))).data).toEqual(data);
    });

    it('answers 6A84 when the data runs past the end of the file', () => {
      const { card } = cardWithFile();
      expectStatus(send(card, CardCommand.updateBinary(159, fromHex('0102'))), SW.NOT_ENOUGH_MEMORY);
    });

    it('answers 6B00 to an offset past the end of the file', () => {
      const { card } = cardWithFile();
      expectStatus(
        send(card, CardCommand.updateBinary(160, fromHex('01'))),
        SW.WRONG_PARAMETERS_OFFSET_OUTSIDE_EF,
      );
    });

    it('answers 6700 without data', () => {
      const { card } = cardWithFile();
      expectStatus(send(card, '00D60000'), SW.WRONG_LENGTH);
    });

    it('answers 6986 when no EF is current', () => {
      const card = blankCard();
      send(card, CardCommand.selectApplication('jpki'));
      expectStatus(
        send(card, CardCommand.updateBinary(0, fromHex('01'))),
        SW.COMMAND_NOT_ALLOWED_NO_CURRENT_EF,
      );
    });
  });

  describe('CREATE FILE', () => {
    it('creates an EF of the given size that becomes the current EF', () => {
      const card = blankCard();
      send(card, CardCommand.selectApplication('text'));
      expectOk(send(card, CardCommand.createFile({ fid: 0x0002, size: 600, readAccess: ALWAYS })));
      expect(expectOk(send(card, CardCommand.readBinary(0, 1000))).data.length).toBe(600);
    });

    it('answers 6A89 when the FID exists', () => {
      const { card } = cardWithFile();
      expectStatus(
        send(card, CardCommand.createFile({ fid: TOKEN_INFO, size: 10, readAccess: ALWAYS })),
        SW.FILE_ALREADY_EXISTS,
      );
    });

    it('allows the same FID in two APs', () => {
      const { card } = cardWithFile({ app: 'jpki' });
      send(card, CardCommand.selectApplication('visual'));
      expectOk(send(card, CardCommand.createFile({ fid: TOKEN_INFO, size: 10, readAccess: ALWAYS })));
    });

    it('answers 6985 before an AP is selected', () => {
      expectStatus(
        send(blankCard(), CardCommand.createFile({ fid: 0x0001, size: 10, readAccess: ALWAYS })),
        SW.CONDITIONS_OF_USE_NOT_SATISFIED,
      );
    });

    it('answers 6A80 to a malformed template', () => {
      const card = blankCard();
      send(card, CardCommand.selectApplication('jpki'));
      expectStatus(send(card, '00E0000004 62028301'), SW.INCORRECT_DATA);
    });

    it('answers 6A80 to a reserved FID', () => {
      const card = blankCard();
      send(card, CardCommand.selectApplication('jpki'));
      expectStatus(
        send(card, CardCommand.createFile({ fid: 0x3f00, size: 10, readAccess: ALWAYS })),
        SW.INCORRECT_DATA,
      );
    });

    it('answers 6A80 to a size of zero', () => {
      const card = blankCard();
      send(card, CardCommand.selectApplication('jpki'));
      expectStatus(
        send(card, CardCommand.createFile({ fid: 0x0001, size: 0, readAccess: ALWAYS })),
        SW.INCORRECT_DATA,
      );
    });

    it('answers 6A84 to a size beyond the 15-bit offset range', () => {
      const card = blankCard();
      send(card, CardCommand.selectApplication('jpki'));
      expectStatus(
        send(card, CardCommand.createFile({ fid: 0x0001, size: 0x8000, readAccess: ALWAYS })),
        SW.NOT_ENOUGH_MEMORY,
      );
    });

    it('answers 6A86 to P1-P2 other than 0000', () => {
      const card = blankCard();
      send(card, CardCommand.selectApplication('jpki'));
      const fcp = encodeFileCreationParameters({ fid: 0x0001, size: 10, readAccess: ALWAYS });
      expectStatus(
        send(card, encodeCommandApdu({ cla: 0, ins: 0xe0, p1: 1, p2: 0, data: fcp })),
        SW.INCORRECT_P1_P2,
      );
    });
  });

  describe('GET DATA serial number', () => {
    it('returns the 8-byte serial without an AP selected', () => {
      expect(expectOk(send(blankCard(), CardCommand.getSerial())).data).toEqual(SERIAL);
    });

    it('answers 6C08 when Le is shorter than the serial', () => {
      expectStatus(send(blankCard(), CardCommand.getSerial(4)), 0x6c08);
    });

    it('answers 6A88 to another data object', () => {
      expectStatus(send(blankCard(), '00CA010200'), SW.REFERENCED_DATA_NOT_FOUND);
    });

    it('tells two blanks apart', () => {
      const other = VirtualCard.blank('legacy-rsa2048', fromHex('4D4E430000000002'));
      expect(send(other, CardCommand.getSerial()).data).not.toEqual(
        send(blankCard(), CardCommand.getSerial()).data,
      );
    });

    it('answers after personalisation is closed', () => {
      const card = blankCard();
      expectOk(send(card, CardCommand.closePersonalisation()));
      expect(expectOk(send(card, CardCommand.getSerial())).data).toEqual(SERIAL);
    });
  });

  describe('CLOSE PERSONALISATION', () => {
    it('moves the card to the operational state', () => {
      const card = blankCard();
      expectOk(send(card, CardCommand.closePersonalisation()));
      expect(card.lifeCycle).toBe('operational');
    });

    it('refuses UPDATE BINARY afterwards with 6982', () => {
      const { card } = cardWithFile();
      expectOk(send(card, CardCommand.closePersonalisation()));
      send(card, CardCommand.selectApplication('jpki'));
      send(card, CardCommand.selectFile(TOKEN_INFO));
      expectStatus(send(card, CardCommand.updateBinary(0, fromHex('01'))), SW.SECURITY_STATUS_NOT_SATISFIED);
    });

    it('refuses CREATE FILE afterwards with 6985', () => {
      const card = blankCard();
      expectOk(send(card, CardCommand.closePersonalisation()));
      send(card, CardCommand.selectApplication('jpki'));
      expectStatus(
        send(card, CardCommand.createFile({ fid: 0x0001, size: 10, readAccess: ALWAYS })),
        SW.CONDITIONS_OF_USE_NOT_SATISFIED,
      );
    });

    it('keeps what was written readable', () => {
      const { card, content } = cardWithFile();
      expectOk(send(card, CardCommand.closePersonalisation()));
      send(card, CardCommand.selectApplication('jpki'));
      send(card, CardCommand.selectFile(TOKEN_INFO));
      expect(expectOk(send(card, CardCommand.readBinary(0, 256))).data).toEqual(content);
    });

    it('answers 6985 when already operational', () => {
      const card = blankCard();
      send(card, CardCommand.closePersonalisation());
      expectStatus(send(card, CardCommand.closePersonalisation()), SW.CONDITIONS_OF_USE_NOT_SATISFIED);
    });

    it('answers 6A86 to P1-P2 other than 0000', () => {
      expectStatus(send(blankCard(), '80F00001'), SW.INCORRECT_P1_P2);
    });

    it('answers 6700 to an Le', () => {
      expectStatus(send(blankCard(), '80F0000000'), SW.WRONG_LENGTH);
    });
  });

  describe('volatile state', () => {
    it('forgets the selected AP and EF on reset', () => {
      const { card } = cardWithFile();
      card.reset();
      expectStatus(send(card, CardCommand.readBinary(0, 1)), SW.COMMAND_NOT_ALLOWED_NO_CURRENT_EF);
    });

    it('forgets the current EF when the AP is selected again', () => {
      const { card } = cardWithFile();
      expectOk(send(card, CardCommand.selectApplication('jpki')));
      expectStatus(send(card, CardCommand.readBinary(0, 1)), SW.COMMAND_NOT_ALLOWED_NO_CURRENT_EF);
    });

    it('answers power-on with the profile ATR', () => {
      expect(hex(VirtualCard.blank('legacy-rsa2048', SERIAL).powerOn())).toBe('3BE000FF8131FE4514');
    });
  });

  describe('change notification', () => {
    it('notifies a listener when a write changes persistent memory', () => {
      const { card } = cardWithFile();
      const listener = jest.fn();
      card.onChange(listener);
      send(card, CardCommand.updateBinary(0, fromHex('01')));
      expect(listener).toHaveBeenCalledWith(card);
    });

    it('does not notify on reads and selects', () => {
      const { card } = cardWithFile();
      const listener = jest.fn();
      card.onChange(listener);
      send(card, CardCommand.selectApplication('jpki'));
      send(card, CardCommand.readBinaryBySfi(TOKEN_INFO, 0, 4));
      expect(listener).not.toHaveBeenCalled();
    });

    it('stops notifying after unsubscribe', () => {
      const { card } = cardWithFile();
      const listener = jest.fn();
      card.onChange(listener)();
      send(card, CardCommand.closePersonalisation());
      expect(listener).not.toHaveBeenCalled();
    });
  });
});
