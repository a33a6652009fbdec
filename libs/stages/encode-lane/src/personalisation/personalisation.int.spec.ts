// personaliseAttempt, verifyPersonalisedCard and spoilAttempt against the real CA (libs/pki/service on a
// Postgres database of its own) and virtual cards behind the in-process station (the same EncoderStation
// contract as pcscd, and what the embedded mode uses). personalisation-pcscd.int.spec.ts runs the pcscd
// path with 50 cards per profile; here 10 per profile, and the failure cases.
import { randomBytes, randomUUID } from 'node:crypto';
import { JPKI_FID, TEXT_FID, VISUAL_FID, CardSession, fromHex, type CardProfile } from '@mnc/card-profiles';
import { InProcessStation } from '@mnc/pcsc';
import type { CertificateAuthority, IssueCertificateRequest } from '@mnc/pki-client';
import { simulatedCardKey, simulatedProof } from '@mnc/pki-core';
import { VirtualCard } from '@mnc/virtual-card';
import { PersonalisationError, QualityAssuranceError } from './errors';
import type { PersonalisationInput } from './input';
import { personaliseAttempt, type PersonalisationResult } from './personalise';
import { spoilAttempt } from './spoil';
import { verifyPersonalisedCard } from './verify-card';
import {
  issuanceFixture,
  newCardNumber,
  startCaHarness,
  TEST_PINS,
  type CaHarness,
} from './testing/issuance-harness';

jest.setTimeout(900_000);

let harness: CaHarness;
let serials = 0;
const blank = (profile: CardProfile) =>
  VirtualCard.blank(
    profile,
    fromHex(`C1${randomBytes(3).toString('hex')}${(++serials).toString(16).padStart(8, '0')}`),
  );

beforeAll(async () => {
  harness = await startCaHarness();
});

afterAll(async () => {
  await harness?.stop();
});

async function attempt(
  input: PersonalisationInput,
  card: VirtualCard,
  options: { ca?: CertificateAuthority; onCertificateIssued?: (station: InProcessStation) => void } = {},
): Promise<{ result: PersonalisationResult; station: InProcessStation; attemptId: string }> {
  const station = new InProcessStation();
  station.insert(card);
  const attemptId = randomUUID();
  try {
    const result = await personaliseAttempt({
      station,
      input,
      attemptId,
      ca: options.ca ?? harness.ca,
      expectedSerial: card.serial,
      onCertificateIssued: () => options.onCertificateIssued?.(station),
    });
    return { result, station, attemptId };
  } catch (error) {
    await station.close();
    throw Object.assign(error as Error, { attemptId });
  }
}

async function failure(work: () => Promise<unknown>): Promise<Error & { attemptId?: string }> {
  try {
    await work();
  } catch (error) {
    return error as Error & { attemptId?: string };
  }
  throw new Error('expected a failure');
}

const PURPOSES: Record<CardProfile, string[]> = {
  'legacy-rsa2048': ['jpki-user-authentication', 'jpki-signature'],
  'next-gen': ['jpki-user-authentication', 'jpki-signature', 'card-authentication'],
};

describe.each(['next-gen', 'legacy-rsa2048'] as const)(
  '%s: 10 cards personalised in process and read back',
  (profile) => {
    it('each card passes QA with live signatures from every key, and the CA holds exactly its certificates', async () => {
      let apdus = 0;
      for (let index = 0; index < 10; index++) {
        const fixture = await issuanceFixture(harness.ca, profile, 10_000 + index);
        const card = blank(profile);
        const { result, station, attemptId } = await attempt(fixture.input, card);
        const report = await verifyPersonalisedCard({
          station,
          input: fixture.input,
          attempt: result,
          trust: harness.trust,
        });
        await station.close();
        expect(report.chipSerial).toBe(card.serial.toUpperCase());
        expect([...report.liveKeys].sort()).toEqual([...PURPOSES[profile]].sort());
        expect(report.notCheckable).toEqual([]);
        expect(report.filesCompared).toHaveLength(7);
        expect(card.summary().lifeCycle).toBe('operational');
        const status = await harness.ca.cardStatus(fixture.input.cardNumber);
        expect(status.certificates.map((c) => [c.attemptId, c.state, c.serialNumber]).sort()).toEqual(
          result.certificates.map((c) => [attemptId, 'good', c.serialNumber]).sort(),
        );
        apdus = result.apdus;
      }
      expect(apdus).toBeGreaterThan(20);
    });
  },
);

describe('a card removed mid-encode', () => {
  it('fails that attempt only; spoiling revokes exactly its certificates; a new blank gives the one good card', async () => {
    const fixture = await issuanceFixture(harness.ca, 'next-gen', 20_001);
    const { cardNumber } = fixture.input;
    let removedAfter: string | undefined;
    const first = await failure(() =>
      attempt(fixture.input, blank('next-gen'), {
        onCertificateIssued: (station) => {
          removedAfter ??= 'first certificate';
          station.eject();
        },
      }),
    );
    expect(removedAfter).toBe('first certificate');
    expect(first).toBeInstanceOf(PersonalisationError);
    expect(first).toMatchObject({ step: 'write-certificates', causeCode: 'CARD_REMOVED' });
    const firstAttempt = first.attemptId!;
    const issuedBeforeRemoval = (await harness.ca.cardStatus(cardNumber)).certificates;
    expect(issuedBeforeRemoval.map((c) => [c.attemptId, c.state])).toEqual([[firstAttempt, 'good']]);

    // Never two live cards: the CA refuses the next attempt's certificates until the spoiled one is revoked.
    const blocked = await failure(() => attempt(fixture.input, blank('next-gen')));
    expect(blocked).toMatchObject({ step: 'certificate' });

    const spoiled = await spoilAttempt(harness.ca, { cardNumber, attemptId: firstAttempt });
    expect(spoiled.revokedSerials).toEqual(issuedBeforeRemoval.map((c) => c.serialNumber));
    // Idempotent: the same call after a crash changes nothing; an attempt without certificates has none.
    expect(await spoilAttempt(harness.ca, { cardNumber, attemptId: firstAttempt })).toEqual(spoiled);
    expect(await spoilAttempt(harness.ca, { cardNumber, attemptId: blocked.attemptId! })).toEqual({
      revokedSerials: [],
    });
    expect(await spoilAttempt(harness.ca, { cardNumber: newCardNumber(), attemptId: randomUUID() })).toEqual({
      revokedSerials: [],
    });
    const crl = await harness.crlSerials('p256-jpki-user-authentication');
    expect(crl).toEqual(expect.arrayContaining(spoiled.revokedSerials));

    const card = blank('next-gen');
    const { result, station, attemptId } = await attempt(fixture.input, card);
    const report = await verifyPersonalisedCard({
      station,
      input: fixture.input,
      attempt: result,
      trust: harness.trust,
    });
    await station.close();
    expect(report.liveKeys).toHaveLength(3);
    const status = await harness.ca.cardStatus(cardNumber);
    const live = status.certificates.filter((c) => c.state === 'good');
    expect(live.map((c) => c.attemptId)).toEqual([attemptId, attemptId, attemptId]);
    expect(live.map((c) => c.purpose).sort()).toEqual([...PURPOSES['next-gen']].sort());
    expect(
      status.certificates.filter((c) => c.attemptId === firstAttempt).map((c) => [c.state, c.reason]),
    ).toEqual([['revoked', 'cessationOfOperation']]);
  });
});

describe('a station stopped mid-encode (the reader gone)', () => {
  it('fails with a typed error naming the step, is spoiled, and QA on a stopped station fails too', async () => {
    const fixture = await issuanceFixture(harness.ca, 'legacy-rsa2048', 20_002);
    const { cardNumber } = fixture.input;
    const stopped = await failure(() =>
      attempt(fixture.input, blank('legacy-rsa2048'), {
        onCertificateIssued: (station) => {
          void station.close();
        },
      }),
    );
    expect(stopped).toBeInstanceOf(PersonalisationError);
    expect(stopped).toMatchObject({ step: 'write-certificates', causeCode: 'CHANNEL_CLOSED' });
    expect(
      (await spoilAttempt(harness.ca, { cardNumber, attemptId: stopped.attemptId! })).revokedSerials,
    ).toHaveLength(1);

    // QA through a stopped station fails as a QA error, never as a pass.
    const { result, station } = await attempt(fixture.input, blank('legacy-rsa2048'));
    await station.close();
    const qa = await failure(() =>
      verifyPersonalisedCard({ station, input: fixture.input, attempt: result, trust: harness.trust }),
    );
    expect(qa).toMatchObject({ check: 'open-card', causeCode: 'READER_UNAVAILABLE' });
  });
});

describe('the card working while the CA certifies (the next key, the other PINs)', () => {
  it('a CA failing the second key fails at certificate, with only the first key certified and spoiled', async () => {
    const fixture = await issuanceFixture(harness.ca, 'next-gen', 20_003);
    const { cardNumber } = fixture.input;
    const refusing: CertificateAuthority = {
      ...harness.ca,
      cardStatus: (n) => harness.ca.cardStatus(n),
      revoke: (r) => harness.ca.revoke(r),
      issueCertificate: async (request: IssueCertificateRequest) => {
        if (request.purpose === 'jpki-signature') throw new Error('the CA is unavailable');
        return harness.ca.issueCertificate(request);
      },
    };
    const failed = await failure(() => attempt(fixture.input, blank('next-gen'), { ca: refusing }));
    expect(failed).toMatchObject({ step: 'certificate' });
    const issued = (await harness.ca.cardStatus(cardNumber)).certificates;
    expect(issued.map((c) => [c.attemptId, c.purpose, c.state])).toEqual([
      [failed.attemptId, 'jpki-user-authentication', 'good'],
    ]);
    const spoiled = await spoilAttempt(harness.ca, { cardNumber, attemptId: failed.attemptId! });
    expect(spoiled.revokedSerials).toEqual(issued.map((c) => c.serialNumber));
  });

  it('a station stopped as the last certificate arrives fails at write-certificates, not at the PINs set meanwhile', async () => {
    const fixture = await issuanceFixture(harness.ca, 'next-gen', 20_004);
    let certificates = 0;
    const stopped = await failure(() =>
      attempt(fixture.input, blank('next-gen'), {
        onCertificateIssued: (station) => {
          if (++certificates === PURPOSES['next-gen'].length) void station.close();
        },
      }),
    );
    expect(certificates).toBe(3);
    expect(stopped).toMatchObject({ step: 'write-certificates', causeCode: 'CHANNEL_CLOSED' });
  });
});

describe('QA finds a card that is not what the bundle says', () => {
  const flip = (bytes: Uint8Array, at: number) => {
    const copy = Uint8Array.from(bytes);
    copy[at] ^= 0x01;
    return copy;
  };
  const withFile = (
    input: PersonalisationInput,
    application: 'text' | 'visual',
    fid: number,
    content: Uint8Array,
  ) => ({
    ...input,
    files: { ...input.files, [application]: new Map(input.files[application]).set(fid, content) },
  });

  it('a file that differs from the bundle fails file-content', async () => {
    const fixture = await issuanceFixture(harness.ca, 'next-gen', 30_001);
    const { result, station } = await attempt(fixture.input, blank('next-gen'));
    const fourFacts = fixture.input.files.text.get(TEXT_FID.FOUR_FACTS)!;
    const expected = withFile(
      fixture.input,
      'text',
      TEXT_FID.FOUR_FACTS,
      flip(fourFacts, fourFacts.length - 1),
    );
    const error = await failure(() =>
      verifyPersonalisedCard({ station, input: expected, attempt: result, trust: harness.trust }),
    );
    await station.close();
    expect(error).toBeInstanceOf(QualityAssuranceError);
    expect(error).toMatchObject({ check: 'file-content', subject: 'text EF 0002' });
  });

  it('a file changed after the CA signed it fails ap-signature, even though it reads back as written', async () => {
    const fixture = await issuanceFixture(harness.ca, 'legacy-rsa2048', 30_002);
    const back = fixture.input.files.visual.get(VISUAL_FID.MY_NUMBER_IMAGE)!;
    const tampered = withFile(fixture.input, 'visual', VISUAL_FID.MY_NUMBER_IMAGE, flip(back, 8));
    const { result, station } = await attempt(tampered, blank('legacy-rsa2048'));
    const error = await failure(() =>
      verifyPersonalisedCard({ station, input: tampered, attempt: result, trust: harness.trust }),
    );
    await station.close();
    expect(error).toMatchObject({ check: 'ap-signature', subject: 'visual-0005-DF43' });
  });

  it('a certificate for another key fails certificate-key', async () => {
    const fixture = await issuanceFixture(harness.ca, 'next-gen', 30_003);
    // A CA answer for the wrong key: a valid certificate of the same CA, for a key the card does not hold.
    const wrongCa: CertificateAuthority = {
      ...harness.ca,
      cardStatus: (n) => harness.ca.cardStatus(n),
      revoke: (r) => harness.ca.revoke(r),
      issueCertificate: async (request: IssueCertificateRequest) => {
        if (request.purpose !== 'card-authentication') return harness.ca.issueCertificate(request);
        const other = { applicationId: randomUUID(), cardNumber: newCardNumber(), attemptId: randomUUID() };
        const key = simulatedCardKey('ecdsa-p256-sha256');
        return harness.ca.issueCertificate({
          ...request,
          ...other,
          publicKey: Buffer.from(key.publicKey).toString('base64'),
          proof: Buffer.from(
            simulatedProof('ecdsa-p256-sha256', key, { ...other, purpose: 'card-authentication' }),
          ).toString('base64'),
        });
      },
    };
    const { result, station } = await attempt(fixture.input, blank('next-gen'), { ca: wrongCa });
    const error = await failure(() =>
      verifyPersonalisedCard({ station, input: fixture.input, attempt: result, trust: harness.trust }),
    );
    await station.close();
    expect(error).toMatchObject({
      check: 'certificate-key',
      subject: 'card-authentication certificate EF 000C',
    });
  });

  it('a certificate from outside the CA fails certificate-chain', async () => {
    const fixture = await issuanceFixture(harness.ca, 'next-gen', 30_004);
    const { result, station } = await attempt(fixture.input, blank('next-gen'));
    const foreignTrust = { ...harness.trust, roots: [], issuingCas: [] };
    const error = await failure(() =>
      verifyPersonalisedCard({ station, input: fixture.input, attempt: result, trust: foreignTrust }),
    );
    await station.close();
    expect(error).toMatchObject({ check: 'certificate-chain' });
  });
});

describe('next-gen card whose PINs the resident sets at hand-over', () => {
  it('passes QA with the card-authentication key live, and the PUK then sets the PIN and password', async () => {
    const fixture = await issuanceFixture(harness.ca, 'next-gen', 40_001, null);
    const card = blank('next-gen');
    const { result, station } = await attempt(fixture.input, card);
    const report = await verifyPersonalisedCard({
      station,
      input: fixture.input,
      attempt: result,
      trust: harness.trust,
    });
    expect(report.liveKeys).toEqual(['card-authentication']);
    expect(report.notCheckable).toEqual([
      'live signature of the jpki-user-authentication key: its PIN is set by the resident',
      'jpki-signature certificate EF 0001: the signature password is set by the resident',
      'live signature of the jpki-signature key: its PIN is set by the resident',
    ]);

    // Hand-over: the resident's PIN and signature password, set with the PUK from the bundle.
    const channel = await station.waitForCard(1000);
    const session = new CardSession((apdu) => channel.transmit(apdu));
    await session.selectApplication('jpki');
    expect(
      await session.resetRetryCounter(
        JPKI_FID.AUTHENTICATION_PIN,
        fixture.bundle.puk!,
        TEST_PINS.userAuthenticationPin,
      ),
    ).toEqual({ verified: true });
    expect(
      await session.resetRetryCounter(
        JPKI_FID.SIGNATURE_PASSWORD,
        fixture.bundle.puk!,
        TEST_PINS.signaturePassword,
      ),
    ).toEqual({ verified: true });
    await channel.close();
    const activated = {
      ...fixture.input,
      pins: {
        ...fixture.input.pins,
        jpki: new Map(fixture.input.pins.jpki)
          .set(JPKI_FID.AUTHENTICATION_PIN, TEST_PINS.userAuthenticationPin)
          .set(JPKI_FID.SIGNATURE_PASSWORD, TEST_PINS.signaturePassword),
      },
    };
    const after = await verifyPersonalisedCard({
      station,
      input: activated,
      attempt: result,
      trust: harness.trust,
    });
    await station.close();
    expect([...after.liveKeys].sort()).toEqual([...PURPOSES['next-gen']].sort());
  });
});
