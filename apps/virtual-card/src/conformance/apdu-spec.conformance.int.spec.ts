// The conformance suite through pcscd: every next-gen row of docs/apdu-spec.md's answers table, with the
// card played into a vpcd reader and the commands sent through PcscStation (pcsclite), as a lane or
// reader sends them. Rows whose status word a PC/SC station consumes itself (61xx, 6Cxx) run in process only.
import { CardProfile, describeStatusWord } from '@mnc/card-profiles';
import { CardChannel, PcscStation, VpcdConnection } from '@mnc/pcsc';
import { acquireVpcdSlot, VpcdSlot } from '../testing/vpcd-slot';
import { fixtureCard } from './card-fixtures';
import { ConformanceContext, probe, SCENARIOS } from './scenarios';
import { hexCell, profilesOf, readSpecTables } from './spec-tables';

const PROFILE: CardProfile = 'next-gen';
const answers = (readSpecTables().get('answers') ?? []).filter((row) =>
  profilesOf(row['Profiles']).includes(PROFILE),
);

describe('docs/apdu-spec.md conformance through pcscd (next-gen)', () => {
  let slot: VpcdSlot;
  let vpcd: VpcdConnection;
  let station: PcscStation;
  let channel: CardChannel | undefined;

  beforeAll(async () => {
    slot = await acquireVpcdSlot();
    vpcd = new VpcdConnection({ port: slot.port });
    station = new PcscStation({ readerName: slot.reader, transmitTimeoutMs: 10_000 });
  }, 150_000);

  afterAll(async () => {
    await station?.close();
    await vpcd?.eject();
    slot?.release();
  });

  afterEach(async () => {
    await channel?.close();
    channel = undefined;
    await vpcd.eject();
    // pcscd polls vpcd every 400 ms; until it has, the next case would still see this card.
    await new Promise((resolve) => setTimeout(resolve, 500));
  });

  const context: ConformanceContext = {
    profile: PROFILE,
    async open(stage) {
      await vpcd.insert(await fixtureCard(PROFILE, stage), 5000);
      channel = await station.waitForCard(5000);
      const opened = channel;
      return probe((apdu) => opened.transmit(apdu));
    },
  };

  const cases = answers
    .filter((row) => SCENARIOS.get(`${row['Command']} | ${row['Case']}`)?.rawTransportOnly !== true)
    .map((row) => [`${row['Command']} | ${row['Case']}`, hexCell(row['SW'])] as const);

  it('runs most of the documented cases', () => {
    expect(cases.length).toBeGreaterThan(answers.length - 3);
  });

  it.each(cases)('%s → %s', async (key, sw) => {
    const outcome = await SCENARIOS.get(key)!.run(context);
    expect(describeStatusWord(outcome.sw)).toBe(describeStatusWord(parseInt(sw, 16)));
  });
});
