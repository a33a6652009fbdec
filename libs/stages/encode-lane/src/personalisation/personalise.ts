// One physical card attempt: the sequence of docs/lanes-encoding.md over the station's channel. Each step
// is named in the PersonalisationError it throws; certificates issued before a failure stay recorded at the
// CA under the attempt id, and spoilAttempt revokes them.
import { createHash } from 'node:crypto';
import {
  type ApplicationName,
  CardSession,
  type CardPublicKey,
  digestInfo,
  EC_HASH,
  formatFid,
  hex,
  publicKeySpki,
} from '@mnc/card-profiles';
import type { CardChannel, EncoderStation } from '@mnc/pcsc';
import type { CertificateAuthority, IssuedCertificate } from '@mnc/pki-client';
import { proofOfPossessionMessage } from '@mnc/pki-core';
import { PersonalisationError, type PersonalisationStep } from './errors';
import { certificateReadAccess, dataFiles, keySpecs, type KeySpec, type PersonalisationInput } from './input';

export interface PersonaliseAttemptArgs {
  /** The encoder whose reader holds the blank; a channel is opened for this call and closed after it. */
  readonly station: EncoderStation;
  readonly input: PersonalisationInput;
  /** The physical attempt (the lane's attempt row id): the CA binds the proof and the certificates to it. */
  readonly attemptId: string;
  readonly ca: CertificateAuthority;
  /** Serial (hex) of the blank the feeder put in; another card in the reader fails `card-identity`. */
  readonly expectedSerial?: string;
  /** How long to wait for the card in the reader. Default 10 s. */
  readonly cardWaitMs?: number;
  /** Called as soon as the CA answers, before the certificate is written: record serials early. */
  readonly onCertificateIssued?: (certificate: AttemptCertificate) => void | Promise<void>;
}

/** A certificate issued for one key of this attempt. */
export interface AttemptCertificate {
  readonly purpose: KeySpec['purpose'];
  readonly keyFid: number;
  readonly serialNumber: string;
  readonly certificate: Uint8Array;
  /** Issuing CA, then root. */
  readonly chain: readonly Uint8Array[];
  readonly notAfter: string;
}

export interface PersonalisationResult {
  readonly attemptId: string;
  /** Upper-case hex of the card's serial (GET DATA 0101). */
  readonly chipSerial: string;
  readonly certificates: readonly AttemptCertificate[];
  /** SubjectPublicKeyInfo (DER) of each generated key, by key FID. */
  readonly publicKeys: ReadonlyMap<number, Uint8Array>;
  readonly apdus: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
}

const DEFAULT_CARD_WAIT_MS = 10_000;

/** A key made on the card and its proof of possession, ready for the CA. */
interface ProvenKey {
  readonly spki: Uint8Array;
  readonly proof: Uint8Array;
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Work started now whose failure is thrown later, in its turn (see {@link unwrap}). */
function settled<T>(work: Promise<T>): Promise<Settled<T>> {
  return work.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function unwrap<T>(result: Settled<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}
const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

async function step<T>(name: PersonalisationStep, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PersonalisationError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new PersonalisationError(name, `${what}: ${reason}`, error);
  }
}

/** Opens a channel to the card in the station, runs `work` on a session over it, and closes it. */
export async function withCardSession<T>(
  station: EncoderStation,
  waitMs: number,
  onOpenFailure: (error: unknown) => Error,
  work: (session: CardSession, channel: CardChannel) => Promise<T>,
): Promise<T> {
  let channel: CardChannel;
  try {
    channel = await station.waitForCard(waitMs);
  } catch (error) {
    throw onOpenFailure(error);
  }
  try {
    return await work(new CardSession((apdu) => channel.transmit(apdu)), channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/**
 * The proof of possession (mnc-pki-pop/v1, @mnc/pki-core proofOfPossessionMessage) signed by the new key while the card is still in
 * personalisation: SIGN over the message's hash (RSA: as a DigestInfo), or, for the card-authentication key
 * which only knows INTERNAL AUTHENTICATE, the message itself as the challenge the card hashes.
 */
export async function proveKeyPossession(
  session: CardSession,
  spec: KeySpec,
  spki: Uint8Array,
  binding: { readonly cardNumber: string; readonly attemptId: string },
): Promise<Uint8Array> {
  const message = proofOfPossessionMessage({ ...binding, purpose: spec.purpose, publicKey: spki });
  if (spec.purpose === 'card-authentication') return session.internalAuthenticate(spec.keyFid, message);
  if (spec.keyAlgorithm === 'rsa-2048')
    return session.sign(spec.keyFid, digestInfo('sha256', createHash('sha256').update(message).digest()));
  const { hash } = EC_HASH[spec.keyAlgorithm];
  return session.sign(spec.keyFid, new Uint8Array(createHash(hash).update(message).digest()));
}

function attemptCertificate(spec: KeySpec, issued: IssuedCertificate): AttemptCertificate {
  return {
    purpose: spec.purpose,
    keyFid: spec.keyFid,
    serialNumber: issued.serialNumber,
    certificate: der(issued.certificate),
    chain: issued.chain.map(der),
    notAfter: issued.notAfter,
  };
}

/**
 * Personalises the blank card in the station: every AP's files, on-card keys with their certificates from
 * the CA (proof of possession first), the CA certificates, the initial PIN values, CLOSE PERSONALISATION.
 * Throws {@link PersonalisationError} naming the step. QA is {@link verifyPersonalisedCard}, in a new session.
 */
export async function personaliseAttempt(args: PersonaliseAttemptArgs): Promise<PersonalisationResult> {
  const { input, attemptId, ca } = args;
  const files = await step('input', 'personalisation input', async () => dataFiles(input));
  const specs = keySpecs(input.profile);
  return withCardSession(
    args.station,
    args.cardWaitMs ?? DEFAULT_CARD_WAIT_MS,
    (error) => new PersonalisationError('open-card', 'no card session', error),
    async (session) => {
      const chipSerial = await step('card-identity', 'GET DATA serial', async () =>
        hex(await session.serial()).toUpperCase(),
      );
      if (args.expectedSerial !== undefined && chipSerial !== args.expectedSerial.toUpperCase())
        throw new PersonalisationError(
          'card-identity',
          `the reader holds card ${chipSerial}, not the blank ${args.expectedSerial}`,
        );

      // Files of each AP (JPKI token info first, as the spec's section 6 orders them).
      for (const application of ['jpki', 'text', 'visual'] as const) {
        const own = files.filter((file) => file.application === application);
        await step('write-files', `SELECT ${application}`, () => session.selectApplication(application));
        for (const file of own)
          await step('write-files', `${application} EF ${formatFid(file.fid)}`, () =>
            session.writeFile(file.fid, file.content, file.readAccess),
          );
      }

      // Initial PIN values, per AP (a SELECT clears the current EF, not the values).
      const pinsOf = Object.entries(input.pins).filter(
        (entry): entry is [ApplicationName, ReadonlyMap<number, string>] =>
          entry[1] !== undefined && entry[1].size > 0,
      );
      const setPins = async (application: ApplicationName, values: ReadonlyMap<number, string>) => {
        for (const [fid, value] of values)
          await step('set-pins', `${application} PIN ${formatFid(fid)}`, () =>
            session.changeReferenceData(fid, value),
          );
      };
      const selectForPins = (application: ApplicationName) =>
        step('set-pins', `SELECT ${application}`, () => session.selectApplication(application));
      // The other APs' PINs, set while the CA certifies the last key; each AP's failure is kept for its turn.
      const pinsElsewhere = async (): Promise<Map<ApplicationName, unknown>> => {
        const failed = new Map<ApplicationName, unknown>();
        for (const [application, values] of pinsOf) {
          if (application === 'jpki') continue;
          try {
            await selectForPins(application);
            await setPins(application, values);
          } catch (error) {
            failed.set(application, error);
            break; // as in the AP order: nothing after the first failure goes to the card
          }
        }
        return failed;
      };
      // Only when JPKI has PINs too: its SELECT then brings the card back for the last certificate, so the
      // card gets no more commands than in the plain order.
      const pinsOverlapped =
        specs.length > 0 &&
        pinsOf.some(([application]) => application === 'jpki') &&
        pinsOf.some(([application]) => application !== 'jpki');

      // JPKI keys: generate, prove, certify, write. The card does what it can while the CA certifies a
      // key: the next key (made and proven), or after the last one the other APs' PINs. The errors still
      // surface in the order of the steps, the next certificate is asked for only once this one is written
      // (a card pulled after one certificate has that one alone to revoke), and nothing is left running at
      // the CA or on the card when this throws.
      await step('generate-key', 'SELECT jpki', () => session.selectApplication('jpki'));
      const certificates: AttemptCertificate[] = [];
      const publicKeys = new Map<number, Uint8Array>();
      const prove = async (spec: KeySpec): Promise<ProvenKey> => {
        const what = `${spec.purpose} key ${formatFid(spec.keyFid)}`;
        const publicKey: CardPublicKey = await step('generate-key', what, () =>
          session.generateKeyPair(spec.keyFid),
        );
        if (publicKey.algorithm !== spec.keyAlgorithm)
          throw new PersonalisationError(
            'generate-key',
            `${what} is ${publicKey.algorithm}, not ${spec.keyAlgorithm}`,
          );
        const spki = publicKeySpki(publicKey);
        publicKeys.set(spec.keyFid, spki);
        const proof = await step('proof-of-possession', what, () =>
          proveKeyPossession(session, spec, spki, { cardNumber: input.cardNumber, attemptId }),
        );
        return { spki, proof };
      };
      let proven: ProvenKey | undefined; // the next key, made while the CA certified the one before
      let pinsFailed: Map<ApplicationName, unknown> | undefined;
      for (const [index, spec] of specs.entries()) {
        const { spki, proof } = proven ?? (await prove(spec));
        const issuing = step('certificate', `${spec.purpose} certificate`, () =>
          ca.issueCertificate({
            applicationId: input.applicationId,
            cardNumber: input.cardNumber,
            attemptId,
            cardProfile: input.profile,
            algorithm: spec.algorithm,
            purpose: spec.purpose,
            publicKey: Buffer.from(spki).toString('base64'),
            proof: Buffer.from(proof).toString('base64'),
            ...(spec.purpose === 'jpki-signature' ? { subject: input.signatureSubject } : {}),
            cardExpiresAt: input.cardExpiresAt,
          }),
        );
        const nextSpec = specs[index + 1];
        const nextKey = nextSpec === undefined ? undefined : settled(prove(nextSpec));
        const otherPins = nextSpec === undefined && pinsOverlapped ? pinsElsewhere() : undefined;
        let certificate: AttemptCertificate;
        try {
          certificate = attemptCertificate(spec, await issuing);
          certificates.push(certificate);
          await args.onCertificateIssued?.(certificate);
        } finally {
          // The card finishes what it was doing before anything else goes to it.
          await nextKey;
          pinsFailed = await otherPins;
        }
        if (otherPins !== undefined)
          await step('write-certificates', 'SELECT jpki', () => session.selectApplication('jpki'));
        await step('write-certificates', `EF ${formatFid(spec.certificateFid)}`, () =>
          session.writeFile(
            spec.certificateFid,
            certificate.certificate,
            certificateReadAccess(input.profile, spec.certificateFid),
          ),
        );
        const issuingCa = certificate.chain[0];
        if (spec.caCertificateFid !== undefined) {
          const caFid = spec.caCertificateFid;
          if (issuingCa === undefined)
            throw new PersonalisationError(
              'certificate',
              `the CA sent no chain with the ${spec.purpose} certificate`,
            );
          await step('write-certificates', `EF ${formatFid(caFid)}`, () =>
            session.writeFile(caFid, issuingCa, certificateReadAccess(input.profile, caFid)),
          );
        }
        proven = nextKey === undefined ? undefined : unwrap(await nextKey);
      }

      // The PINs in AP order. Overlapped, the other APs' PINs were set while the CA certified the last key
      // and the card is back in JPKI: their failures are thrown in their turn. Otherwise, as they come.
      for (const [application, values] of pinsOf) {
        if (pinsOverlapped && application !== 'jpki') {
          if (pinsFailed?.has(application)) throw pinsFailed.get(application);
          continue;
        }
        if (!pinsOverlapped) await selectForPins(application);
        await setPins(application, values);
      }

      await step('close-personalisation', 'CLOSE PERSONALISATION', () => session.closePersonalisation());
      return {
        attemptId,
        chipSerial,
        certificates,
        publicKeys,
        apdus: session.traffic.apdus,
        bytesOut: session.traffic.bytesOut,
        bytesIn: session.traffic.bytesIn,
      };
    },
  );
}
