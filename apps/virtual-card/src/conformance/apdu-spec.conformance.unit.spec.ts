// The conformance suite, in process: docs/apdu-spec.md against the virtual card. Every row of the answers
// table runs for every profile it names; the object tables are compared with @mnc/card-profiles (which the
// card enforces); every command the document does not define gets the documented 6D00/6E00.
import {
  APPLICATIONS,
  CARD_PROFILES,
  cardProfile,
  CardProfile,
  describeAccessCondition,
  describeStatusWord,
  encodeCommandApdu,
  formatFid,
  parseResponseApdu,
  SW,
} from '@mnc/card-profiles';
import { fixtureCard } from './card-fixtures';
import { ConformanceContext, probe, SCENARIOS } from './scenarios';
import { hexCell, profilesOf, readSpecTables, SpecRow } from './spec-tables';

const tables = readSpecTables();
const table = (name: string): SpecRow[] => {
  const rows = tables.get(name);
  if (rows === undefined) throw new Error(`docs/apdu-spec.md has no table "${name}"`);
  return rows;
};

const answers = table('answers');
const caseKey = (row: SpecRow) => `${row['Command']} | ${row['Case']}`;

function inProcessContext(profile: CardProfile): ConformanceContext {
  return {
    profile,
    async open(stage) {
      const card = await fixtureCard(profile, stage);
      card.powerOn();
      return probe(async (apdu) => card.transmit(apdu));
    },
  };
}

describe('docs/apdu-spec.md conformance (in process)', () => {
  describe('answers table', () => {
    it('has a scenario for every documented case and documents every scenario', () => {
      const documented = answers.map(caseKey);
      expect(new Set(documented).size).toBe(documented.length);
      expect(documented.filter((key) => !SCENARIOS.has(key))).toEqual([]);
      expect([...SCENARIOS.keys()].filter((key) => !documented.includes(key))).toEqual([]);
    });

    const cases = answers.flatMap((row) =>
      profilesOf(row['Profiles']).map((profile) => [profile, caseKey(row), hexCell(row['SW'])] as const),
    );

    it.each(cases)('%s: %s → %s', async (profile, key, sw) => {
      const scenario = SCENARIOS.get(key);
      if (scenario === undefined) throw new Error(`no scenario for "${key}"`);
      const outcome = await scenario.run(inProcessContext(profile));
      expect(describeStatusWord(outcome.sw)).toBe(describeStatusWord(parseInt(sw, 16)));
    });
  });

  describe('commands table', () => {
    const commands = table('commands');

    it.each(CARD_PROFILES)('lists exactly the commands %s answers', (profile) => {
      const documented = commands
        .filter((row) => profilesOf(row['Profiles']).includes(profile))
        .map((row) => `${row['CLA']}${row['INS']}`);
      expect([...new Set(documented)].sort()).toEqual([...cardProfile(profile).commands].sort());
    });

    it.each(CARD_PROFILES)(
      'answers 6D00 to every CLA 00/80 instruction the document does not define (%s)',
      async (profile) => {
        const defined = new Set(
          commands
            .filter((row) => profilesOf(row['Profiles']).includes(profile))
            .map((row) => `${row['CLA']}${row['INS']}`),
        );
        const card = await fixtureCard(profile, 'operational');
        const wrong: string[] = [];
        for (const cla of [0x00, 0x80]) {
          for (let ins = 0; ins <= 0xff; ins++) {
            const key = `${formatFid((cla << 8) | ins)}`;
            if (defined.has(key)) continue;
            const { sw } = parseResponseApdu(card.transmit(encodeCommandApdu({ cla, ins, p1: 0, p2: 0 })));
            if (sw !== SW.INS_NOT_SUPPORTED) wrong.push(`${key} → ${describeStatusWord(sw)}`);
          }
        }
        expect(wrong).toEqual([]);
      },
    );

    it.each(CARD_PROFILES)('answers 6E00 to every other CLA (%s)', async (profile) => {
      const card = await fixtureCard(profile, 'operational');
      const wrong: number[] = [];
      for (let cla = 0; cla <= 0xff; cla++) {
        if (cla === 0x00 || cla === 0x80) continue;
        const { sw } = parseResponseApdu(card.transmit(Uint8Array.of(cla, 0xa4, 0x04, 0x0c)));
        if (sw !== SW.CLA_NOT_SUPPORTED) wrong.push(cla);
      }
      expect(wrong).toEqual([]);
    });
  });

  describe('object tables match @mnc/card-profiles', () => {
    it('ATRs', () => {
      for (const row of table('atr')) {
        expect(cardProfile(row['Profile'] as CardProfile).atr).toBe(hexCell(row['ATR']));
      }
      expect(
        table('atr')
          .map((row) => row['Profile'])
          .sort(),
      ).toEqual([...CARD_PROFILES].sort());
    });

    it('applications', () => {
      expect(
        Object.fromEntries(table('applications').map((row) => [row['AP'], hexCell(row['AID'])])),
      ).toEqual(Object.fromEntries(Object.values(APPLICATIONS).map((ap) => [ap.name, ap.aid])));
    });

    it.each(CARD_PROFILES)('PIN objects of %s', (profile) => {
      const documented = table('pin-objects')
        .filter((row) => profilesOf(row['Profiles']).includes(profile))
        .map((row) => ({
          ap: row['AP'],
          fid: row['FID'],
          format: row['Format'] === 'digits' ? 'digits' : 'upper-alphanumeric',
          length: row['Length'],
          tries: Number(row['Tries']),
          resetBy: row['Reset by'],
          alsoSatisfies: row['Also satisfies'],
        }));
      const definition = cardProfile(profile);
      const actual = definition.applications.flatMap((ap) =>
        definition.layout[ap].pins.map((pin) => ({
          ap,
          fid: formatFid(pin.fid),
          format: pin.format,
          length:
            pin.minLength === pin.maxLength ? String(pin.minLength) : `${pin.minLength}-${pin.maxLength}`,
          tries: pin.maxTries,
          resetBy: pin.resetBy === undefined ? '–' : formatFid(pin.resetBy),
          alsoSatisfies: pin.alsoSatisfies === undefined ? '–' : pin.alsoSatisfies.map(formatFid).join(', '),
        })),
      );
      expect(sortByKey(actual)).toEqual(sortByKey(documented));
    });

    it.each(CARD_PROFILES)('key objects of %s', (profile) => {
      const documented = table('key-objects')
        .filter((row) => profilesOf(row['Profiles']).includes(profile))
        .map((row) => ({
          ap: row['AP'],
          fid: row['FID'],
          algorithm: row['Algorithm'],
          sign: row['SIGN'],
          internalAuthenticate: row['INTERNAL AUTHENTICATE'],
        }));
      const definition = cardProfile(profile);
      const condition = (value: Parameters<typeof describeAccessCondition>[0] | undefined) =>
        value === undefined ? '–' : describeAccessCondition(value);
      const actual = definition.applications.flatMap((ap) =>
        definition.layout[ap].keys.map((key) => ({
          ap,
          fid: formatFid(key.fid),
          algorithm: key.algorithm,
          sign: condition(key.sign),
          internalAuthenticate: condition(key.internalAuthenticate),
        })),
      );
      expect(sortByKey(actual)).toEqual(sortByKey(documented));
    });

    it.each(CARD_PROFILES)('files of %s and their read access', (profile) => {
      const documented = table('files')
        .filter((row) => profilesOf(row['Profiles']).includes(profile))
        .map((row) => ({ ap: row['AP'], fid: row['FID'], readAccess: row['Read access'] }));
      const definition = cardProfile(profile);
      const actual = definition.applications.flatMap((ap) =>
        definition.layout[ap].files.map((file) => ({
          ap,
          fid: formatFid(file.fid),
          readAccess: describeAccessCondition(file.readAccess),
        })),
      );
      expect(sortByKey(actual)).toEqual(sortByKey(documented));
    });

    it('status words: every SW the answers table uses is explained', () => {
      const explained = table('status-words').map((row) => row['SW']);
      const matches = (sw: string) =>
        explained.some((pattern) =>
          new RegExp(`^${pattern.replace(/x+/g, (run) => `[0-9A-F]{${run.length}}`)}$`).test(sw),
        );
      expect(answers.map((row) => hexCell(row['SW'])).filter((sw) => !matches(sw))).toEqual([]);
    });
  });
});

function sortByKey<T extends { ap: string; fid: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => `${a.ap}/${a.fid}`.localeCompare(`${b.ap}/${b.fid}`));
}
