// QA: a new session on the personalised card, read as an independent reader reads it (CardSession, the
// documented commands only): serial, life cycle, every file against the bundle, AP data signatures against
// the CA's published signers, each certificate against the CA and the key the card reports, one live
// signature per key whose PIN is known, PIN tries untouched.
import { createHash, randomBytes } from 'node:crypto';
import {
  bytesEqual,
  CardCommand,
  CardSession,
  digestInfo,
  EC_HASH,
  formatFid,
  hex,
  JPKI_FID,
  pinDefinition,
  publicKeySpki,
  SW,
  TEXT_FID,
  VISUAL_FID,
  type ApplicationName,
} from '@mnc/card-profiles';
import type { EncoderStation } from '@mnc/pcsc';
import { QualityAssuranceError, type QaCheck } from './errors';
import { dataFiles, keySpecs, type KeySpec, type PersonalisationInput } from './input';
import type { AttemptCertificate, PersonalisationResult } from './personalise';
import { withCardSession } from './personalise';
import {
  checkCertificateChain,
  checkCertificateKey,
  checkFileContent,
  checkLiveSignature,
  checkTextApSignature,
  checkVisualApSignatures,
  type QaTrust,
} from './qa-checks';

export interface VerifyPersonalisedCardArgs {
  readonly station: EncoderStation;
  readonly input: PersonalisationInput;
  /** What {@link personaliseAttempt} returned for this card. */
  readonly attempt: PersonalisationResult;
  readonly trust: QaTrust;
  readonly cardWaitMs?: number;
  /** Validity instant of the certificate checks; default now. */
  readonly now?: Date;
}

export interface QaReport {
  readonly chipSerial: string;
  /** Files compared with the bundle, e.g. `text EF 0001`. */
  readonly filesCompared: readonly string[];
  /** Keys that produced a live signature verified with their certificate. */
  readonly liveKeys: readonly KeySpec['purpose'][];
  /** What this card does not let QA check, and why (e.g. a key whose PIN the resident sets at hand-over). */
  readonly notCheckable: readonly string[];
  readonly apdus: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
}

async function card<T>(check: QaCheck, subject: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof QualityAssuranceError) throw error;
    throw new QualityAssuranceError(
      check,
      subject,
      error instanceof Error ? error.message : String(error),
      error,
    );
  }
}

/**
 * The card commands of one QA session and the checks of what they read. A check needs only bytes already
 * read, so it runs while the card works on the next command; it is still thrown before anything the card
 * answers after it (and before any later check), so QA reports the first difference as it always did.
 */
class ReadBack {
  private readonly pending: (() => void)[] = [];

  constructor(private readonly session: CardSession) {}

  /** Sends a command, runs the pending checks while the card works on it, then gives its answer. */
  async command<T>(check: QaCheck, subject: string, work: (session: CardSession) => Promise<T>): Promise<T> {
    const answer = card(check, subject, () => work(this.session));
    try {
      this.settle();
    } catch (error) {
      await answer.catch(() => undefined); // the card finishes this command before the session closes
      throw error;
    }
    return answer;
  }

  later(check: () => void): void {
    this.pending.push(check);
  }

  /** Runs the pending checks now: before an error that comes after them, and at the end. */
  settle(): void {
    for (let check = this.pending.shift(); check !== undefined; check = this.pending.shift()) check();
  }
}

async function verifyPin(
  card: ReadBack,
  application: ApplicationName,
  fid: number,
  value: string | undefined,
): Promise<void> {
  const subject = `${application} PIN ${formatFid(fid)}`;
  if (value === undefined) {
    card.settle();
    throw new QualityAssuranceError('pin-state', subject, 'no value to open the files with');
  }
  const result = await card.command('pin-state', subject, (session) => session.verify(fid, value));
  if (!result.verified)
    throw new QualityAssuranceError(
      'pin-state',
      subject,
      `the value set in personalisation is refused (${result.triesLeft} tries left)`,
    );
}

/** Every set PIN still has all its tries (QA must never cost the resident a try). */
async function checkTries(
  card: ReadBack,
  input: PersonalisationInput,
  application: ApplicationName,
): Promise<void> {
  for (const fid of input.pins[application]?.keys() ?? []) {
    const definition = pinDefinition(input.profile, application, fid);
    const subject = `${application} PIN ${formatFid(fid)}`;
    const tries = await card.command('pin-state', subject, (session) => session.triesLeft(fid));
    if (definition === undefined || tries !== definition.maxTries)
      throw new QualityAssuranceError(
        'pin-state',
        subject,
        `${tries} tries left, not ${definition?.maxTries}`,
      );
  }
}

function certificateOf(card: ReadBack, attempt: PersonalisationResult, spec: KeySpec): AttemptCertificate {
  const certificate = attempt.certificates.find((entry) => entry.keyFid === spec.keyFid);
  if (certificate === undefined) {
    card.settle();
    throw new QualityAssuranceError(
      'certificate-content',
      spec.purpose,
      'the attempt has no certificate for this key',
    );
  }
  return certificate;
}

/** What SIGN takes for `data`: the digest of the key's hash (RSA: wrapped in a DigestInfo). */
function signInput(spec: KeySpec, data: Uint8Array): Uint8Array {
  if (spec.keyAlgorithm === 'rsa-2048')
    return digestInfo('sha256', createHash('sha256').update(data).digest());
  return new Uint8Array(createHash(EC_HASH[spec.keyAlgorithm].hash).update(data).digest());
}

/** One live signature: SIGN over a fresh digest (RSA as a DigestInfo), or INTERNAL AUTHENTICATE over a challenge. */
async function liveSignature(
  card: ReadBack,
  spec: KeySpec,
  certificate: Uint8Array,
  internal: boolean,
): Promise<void> {
  const subject = `${spec.purpose} key ${formatFid(spec.keyFid)}`;
  const data = randomBytes(32);
  const signature = await card.command('live-signature', subject, (session) =>
    internal
      ? session.internalAuthenticate(spec.keyFid, data)
      : session.sign(spec.keyFid, signInput(spec, data)),
  );
  card.later(() => checkLiveSignature(subject, spec.algorithm, certificate, data, signature));
}

/**
 * Reads the personalised card back in a new session and checks it; throws {@link QualityAssuranceError}
 * naming the check and subject at the first difference.
 */
export async function verifyPersonalisedCard(args: VerifyPersonalisedCardArgs): Promise<QaReport> {
  const { input, attempt, trust } = args;
  const now = args.now ?? new Date();
  const expected = dataFiles(input);
  const expectedFile = (application: ApplicationName, fid: number): Uint8Array => {
    const file = expected.find((entry) => entry.application === application && entry.fid === fid);
    if (file === undefined)
      throw new QualityAssuranceError(
        'file-content',
        `${application} EF ${formatFid(fid)}`,
        'not in the plan',
      );
    return file.content;
  };
  const filesCompared: string[] = [];
  const liveKeys: KeySpec['purpose'][] = [];
  const notCheckable: string[] = [];

  return withCardSession(
    args.station,
    args.cardWaitMs ?? 10_000,
    (error) => new QualityAssuranceError('open-card', 'card', 'no card session', error),
    async (session) => {
      const card = new ReadBack(session);
      const chipSerial = await card.command('card-identity', 'card', async (s) =>
        hex(await s.serial()).toUpperCase(),
      );
      if (chipSerial !== attempt.chipSerial)
        throw new QualityAssuranceError(
          'card-identity',
          'card',
          `the reader holds ${chipSerial}, not the personalised ${attempt.chipSerial}`,
        );

      const read = (application: ApplicationName, fid: number): Promise<Uint8Array> =>
        card.command('file-content', `${application} EF ${formatFid(fid)}`, (s) => s.readFile(fid));
      const compare = async (application: ApplicationName, fid: number): Promise<Uint8Array> => {
        const content = await read(application, fid);
        const subject = `${application} EF ${formatFid(fid)}`;
        card.later(() => {
          checkFileContent(subject, expectedFile(application, fid), content);
          filesCompared.push(subject);
        });
        return content;
      };

      // JPKI AP.
      await card.command('file-content', 'jpki', (s) => s.selectApplication('jpki'));
      await checkTries(card, input, 'jpki');
      const specs = keySpecs(input.profile);
      const userAuthentication = specs.find((spec) => spec.purpose === 'jpki-user-authentication');
      if (userAuthentication !== undefined) {
        // Operational and PIN-guarded: the key must refuse to sign before its PIN.
        const { sw } = await card.command('life-cycle', 'jpki', (s) =>
          s.exchange(
            CardCommand.sign(userAuthentication.keyFid, signInput(userAuthentication, randomBytes(32))),
          ),
        );
        if (sw !== SW.SECURITY_STATUS_NOT_SATISFIED)
          throw new QualityAssuranceError(
            'life-cycle',
            'jpki',
            `SIGN without PIN answered ${sw.toString(16)}, not 6982: personalisation is not closed`,
          );
      }
      await compare('jpki', JPKI_FID.TOKEN_INFO);
      await compare('jpki', JPKI_FID.CERTIFICATE_PRESENCE);
      const jpkiPins = input.pins.jpki ?? new Map<number, string>();
      for (const spec of specs) {
        const subject = `${spec.purpose} certificate EF ${formatFid(spec.certificateFid)}`;
        const issued = certificateOf(card, attempt, spec);
        const pinFid = spec.pinFid;
        const pin = pinFid === undefined ? undefined : jpkiPins.get(pinFid);
        // A key behind a PIN signs only after it; EF 0001 is read only after the signature password.
        const opened = pinFid !== undefined && pin !== undefined;
        if (opened) await verifyPin(card, 'jpki', pinFid, pin);
        if (spec.purpose === 'jpki-signature' && !opened) {
          notCheckable.push(`${subject}: the signature password is set by the resident`);
        } else {
          const onCard = await card.command('certificate-content', subject, (s) =>
            s.readFile(spec.certificateFid),
          );
          if (!bytesEqual(onCard, issued.certificate))
            throw new QualityAssuranceError(
              'certificate-content',
              subject,
              'differs from the certificate the CA issued',
            );
        }
        const issuers: Uint8Array[] = [];
        if (spec.caCertificateFid !== undefined) {
          const caSubject = `CA certificate EF ${formatFid(spec.caCertificateFid)}`;
          const onCardCa = await read('jpki', spec.caCertificateFid);
          const issuing = issued.chain[0];
          if (issuing === undefined || !bytesEqual(onCardCa, issuing))
            throw new QualityAssuranceError(
              'certificate-content',
              caSubject,
              'is not the issuing CA of the certificate',
            );
          issuers.push(onCardCa);
        }
        card.later(() => checkCertificateChain(subject, issued.certificate, issuers, trust, now));
        const cardKey = publicKeySpki(
          await card.command('certificate-key', subject, (s) => s.publicKey(spec.keyFid)),
        );
        card.later(() => checkCertificateKey(subject, issued.certificate, cardKey));

        if (spec.purpose === 'card-authentication' || opened) {
          await liveSignature(card, spec, issued.certificate, spec.purpose === 'card-authentication');
          liveKeys.push(spec.purpose);
        } else {
          notCheckable.push(`live signature of the ${spec.purpose} key: its PIN is set by the resident`);
        }
      }

      // Text AP: check code A opens EF 0001 and 0003, check code B EF 0002.
      await card.command('file-content', 'text', (s) => s.selectApplication('text'));
      await checkTries(card, input, 'text');
      await verifyPin(card, 'text', TEXT_FID.CHECK_CODE_A, input.pins.text?.get(TEXT_FID.CHECK_CODE_A));
      await verifyPin(card, 'text', TEXT_FID.CHECK_CODE_B, input.pins.text?.get(TEXT_FID.CHECK_CODE_B));
      const myNumber = await compare('text', TEXT_FID.MY_NUMBER);
      const fourFacts = await compare('text', TEXT_FID.FOUR_FACTS);
      const textSignature = await compare('text', TEXT_FID.SIGNATURE);
      card.later(() =>
        checkTextApSignature({ myNumber, fourFacts, signature: textSignature }, input.apSignatures, trust),
      );

      // Visual AP: check code A opens both files.
      await card.command('file-content', 'visual', (s) => s.selectApplication('visual'));
      await checkTries(card, input, 'visual');
      await verifyPin(
        card,
        'visual',
        VISUAL_FID.CHECK_CODE_A,
        input.pins.visual?.get(VISUAL_FID.CHECK_CODE_A),
      );
      const face = await compare('visual', VISUAL_FID.CARD_FACE);
      const back = await compare('visual', VISUAL_FID.MY_NUMBER_IMAGE);
      card.later(() => checkVisualApSignatures({ face, back }, input.apSignatures, trust));
      card.settle();

      return {
        chipSerial,
        filesCompared,
        liveKeys,
        notCheckable,
        apdus: session.traffic.apdus,
        bytesOut: session.traffic.bytesOut,
        bytesIn: session.traffic.bytesIn,
      };
    },
  );
}
