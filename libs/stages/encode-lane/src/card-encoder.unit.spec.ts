import type { PersonalisationBundle } from '@mnc/contracts';
import { InProcessStation } from '@mnc/pcsc';
import { CardCommand, parseResponseApdu, SW, VirtualCard, type ApplicationName } from '@mnc/virtual-card';
import { CardCommandError, encodeCard, QualityCheckError, type CardFeeder } from './card-encoder';
import { InProcessCardHopper } from './feeders';
import { personalisationFiles, type CardFile } from './personalisation-script';

const APPLICANT: PersonalisationBundle['applicant'] = {
  familyName: '山田',
  givenName: '花子',
  familyNameKana: 'ヤマダ',
  givenNameKana: 'ハナコ',
  birthDate: '1985-12-31',
  sex: '2',
  // Long enough that the four-facts file spans several UPDATE BINARY (240) and READ BINARY (256) chunks.
  address: {
    prefecture: '大阪府',
    municipality: '大阪市北区',
    line: '梅田'.repeat(100),
    postalCode: '5300001',
  },
  localGovernmentCode: '271004',
  myNumber: '123456789012',
};
const FILES: readonly CardFile[] = personalisationFiles({ applicant: APPLICANT } as PersonalisationBundle);

/** The hopper of the embedded mode, with the cards it fed kept for inspection and eject counted. */
function hopperFor(station: InProcessStation) {
  const fed: VirtualCard[] = [];
  const insert = station.insert.bind(station);
  jest.spyOn(station, 'insert').mockImplementation((card) => {
    fed.push(card);
    insert(card);
  });
  const hopper = new InProcessCardHopper(station);
  const eject = jest.spyOn(hopper, 'eject');
  return { hopper, fed, eject };
}

/** Reads an EF straight from the card, as a reader would after issuance. */
function readBack(card: VirtualCard, application: ApplicationName, fid: number, length: number): Buffer {
  card.powerOn();
  const ok = (apdu: Uint8Array) => {
    const response = parseResponseApdu(card.transmit(apdu));
    if (response.sw !== SW.SUCCESS) throw new Error(`card answered ${response.sw.toString(16)}`);
    return Buffer.from(response.data);
  };
  ok(CardCommand.selectApplication(application));
  ok(CardCommand.selectFile(fid));
  const parts: Buffer[] = [];
  for (let offset = 0; offset < length; offset += 256)
    parts.push(ok(CardCommand.readBinary(offset, Math.min(256, length - offset))));
  return Buffer.concat(parts);
}

describe('encodeCard', () => {
  let station: InProcessStation;
  beforeEach(() => {
    station = new InProcessStation();
  });
  afterEach(async () => {
    await station.close();
  });

  describe('given a blank card from the hopper', () => {
    it('then every file is written and reads back equal', async () => {
      const { hopper, fed } = hopperFor(station);
      expect(FILES[1].content.length).toBeGreaterThan(512);
      await encodeCard(station, hopper, 'next-gen', FILES);
      for (const file of FILES) {
        expect(readBack(fed[0], file.application, file.fid, file.content.length).equals(file.content)).toBe(
          true,
        );
      }
    });

    it('then the card ends operational (personalisation closed)', async () => {
      const { hopper, fed } = hopperFor(station);
      await encodeCard(station, hopper, 'next-gen', FILES);
      expect(fed[0].lifeCycle).toBe('operational');
    });

    it('then the chip serial of the fed card is returned', async () => {
      const { hopper, fed } = hopperFor(station);
      const { chipSerial } = await encodeCard(station, hopper, 'legacy-rsa2048', FILES);
      expect(chipSerial).toBe(fed[0].serial);
      expect(chipSerial).toMatch(/^[0-9A-F]{16}$/);
    });

    it('then a card of the requested profile is fed', async () => {
      const { hopper, fed } = hopperFor(station);
      await encodeCard(station, hopper, 'legacy-rsa2048', FILES);
      expect(fed[0].profile).toBe('legacy-rsa2048');
    });

    it('then the card is ejected once, leaving the station empty', async () => {
      const { hopper, eject } = hopperFor(station);
      await encodeCard(station, hopper, 'next-gen', FILES);
      expect(eject).toHaveBeenCalledTimes(1);
      expect(station.card).toBeUndefined();
    });
  });

  describe('given a feeder that feeds a different card than it reports', () => {
    const feeder = (): CardFeeder & { eject: jest.Mock } => ({
      feedBlank: async (profile) => {
        station.insert(VirtualCard.blank(profile, Buffer.from('0000000000000001', 'hex')));
        return '00000000000000ff';
      },
      eject: jest.fn(async () => void station.eject()),
    });

    it('then QualityCheckError naming both serials', async () => {
      const error = await encodeCard(station, feeder(), 'next-gen', FILES).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QualityCheckError);
      expect((error as Error).message).toContain('0000000000000001');
      expect((error as Error).message).toContain('00000000000000FF');
    });

    it('then nothing is written to the card in the reader', async () => {
      const card = VirtualCard.blank('next-gen', Buffer.from('0000000000000001', 'hex'));
      const wrong: CardFeeder = {
        feedBlank: async () => (station.insert(card), 'ab'),
        eject: async () => void station.eject(),
      };
      await expect(encodeCard(station, wrong, 'next-gen', FILES)).rejects.toBeInstanceOf(QualityCheckError);
      expect(card.lifeCycle).toBe('personalisation');
      expect(card.summary().applications.flatMap((a) => a.files)).toEqual([]);
    });

    it('then the card is still ejected', async () => {
      const mismatched = feeder();
      await encodeCard(station, mismatched, 'next-gen', FILES).catch(() => undefined);
      expect(mismatched.eject).toHaveBeenCalledTimes(1);
    });
  });

  describe('given a card that was already personalised', () => {
    const usedCard = () => {
      const card = VirtualCard.blank('next-gen', Buffer.from('00000000000000aa', 'hex'));
      card.transmit(CardCommand.closePersonalisation());
      return card;
    };

    it('then CardCommandError at CREATE FILE with 6985, and the card is ejected', async () => {
      const eject = jest.fn(async () => void station.eject());
      const card = usedCard();
      const error = await encodeCard(
        station,
        { feedBlank: async () => (station.insert(card), card.serial), eject },
        'next-gen',
        FILES,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CardCommandError);
      expect(error).toMatchObject({ step: 'CREATE FILE', statusWord: '6985' });
      expect(eject).toHaveBeenCalledTimes(1);
    });
  });

  describe('given a feeder whose feed fails', () => {
    it('then the feed error propagates and eject is still called', async () => {
      const eject = jest.fn(async () => undefined);
      const failing: CardFeeder = { feedBlank: async () => Promise.reject(new Error('card jam')), eject };
      await expect(encodeCard(station, failing, 'next-gen', FILES)).rejects.toThrow('card jam');
      expect(eject).toHaveBeenCalledTimes(1);
    });
  });
});
