// A full personalisation of a blank card by APDUs, in the order of docs/apdu-spec.md section 6: the files
// of every AP, on-card key generation with a certificate for each key (the caller's CA decides the proof
// of possession and may have the new key sign through the handle it gets), the PINs' initial values,
// CLOSE PERSONALISATION. Read-back (QA) is the caller's.
import { AccessCondition } from './access-condition';
import { ApplicationName } from './applications';
import { CardSession } from './card-session';
import { ObjectReference } from './commands';
import { formatFid, JPKI_FID } from './identifiers';
import { cardProfile, CardProfile, KeyObjectDefinition } from './profiles';
import { CardPublicKey } from './public-key';

/** What the certifying party gets for each key the card generated. */
export interface GeneratedKey {
  readonly definition: KeyObjectDefinition;
  readonly publicKey: CardPublicKey;
  /** SIGN with the new key (no PIN needed before CLOSE PERSONALISATION): RSA takes a DigestInfo, EC a digest. */
  sign(input: Uint8Array): Promise<Uint8Array>;
  /** INTERNAL AUTHENTICATE with the new key, for keys the profile allows it on. */
  internalAuthenticate(challenge: Uint8Array): Promise<Uint8Array>;
}

export interface PersonalisationPlan {
  readonly profile: CardProfile;
  /** Binary EF contents per AP. Certificates of the card's keys come from `certify`, not from here. */
  readonly files: Partial<Record<ApplicationName, ReadonlyMap<number, Uint8Array>>>;
  /** Read access per EF when it differs from the profile's file table (or the FID is not in it). */
  readonly access?: Partial<Record<ApplicationName, ReadonlyMap<number, AccessCondition>>>;
  /** Initial values of PIN objects (ASCII) per AP, by FID. */
  readonly pins: Partial<Record<ApplicationName, ReadonlyMap<number, string>>>;
  /** Returns the DER certificate for a key the card generated; it is written to the key's certificate EF. */
  certify(key: GeneratedKey): Promise<Uint8Array>;
}

/** The EF that carries each key's certificate. */
export const CERTIFICATE_OF_KEY: ReadonlyMap<number, number> = new Map([
  [JPKI_FID.AUTHENTICATION_KEY, JPKI_FID.AUTHENTICATION_CERTIFICATE],
  [JPKI_FID.SIGNATURE_KEY, JPKI_FID.SIGNATURE_CERTIFICATE],
  [JPKI_FID.CARD_AUTHENTICATION_KEY, JPKI_FID.CARD_AUTHENTICATION_CERTIFICATE],
]);

export class PersonalisationPlanError extends Error {
  readonly code = 'PERSONALISATION_PLAN' as const;
  constructor(reason: string) {
    super(`personalisation plan: ${reason}`);
    this.name = 'PersonalisationPlanError';
  }
}

/** Personalises the card in the session; resolves with the public key of every key generated, by FID. */
export async function personaliseCard(
  session: CardSession,
  plan: PersonalisationPlan,
): Promise<ReadonlyMap<number, CardPublicKey>> {
  const definition = cardProfile(plan.profile);
  const publicKeys = new Map<number, CardPublicKey>();
  for (const application of definition.applications) {
    const layout = definition.layout[application];
    const files = plan.files[application] ?? new Map<number, Uint8Array>();
    const pins = plan.pins[application] ?? new Map<number, string>();
    if (files.size === 0 && pins.size === 0 && layout.keys.length === 0) continue;
    await session.selectApplication(application);
    const accessOf = (fid: number): AccessCondition => {
      const access =
        plan.access?.[application]?.get(fid) ?? layout.files.find((file) => file.fid === fid)?.readAccess;
      if (access === undefined)
        throw new PersonalisationPlanError(`no read access for ${application} EF ${formatFid(fid)}`);
      return access;
    };
    for (const [fid, content] of files) await session.writeFile(fid, content, accessOf(fid));
    for (const key of layout.keys) {
      const publicKey = await session.generateKeyPair(key.fid);
      publicKeys.set(key.fid, publicKey);
      const reference: ObjectReference = key.fid;
      const certificate = await plan.certify({
        definition: key,
        publicKey,
        sign: (input) => session.sign(reference, input),
        internalAuthenticate: (challenge) => session.internalAuthenticate(reference, challenge),
      });
      const certificateFid = CERTIFICATE_OF_KEY.get(key.fid);
      if (certificateFid === undefined)
        throw new PersonalisationPlanError(`no certificate EF for key ${formatFid(key.fid)}`);
      await session.writeFile(certificateFid, certificate, accessOf(certificateFid));
    }
    for (const pin of layout.pins) {
      const value = pins.get(pin.fid);
      if (value !== undefined) await session.changeReferenceData(pin.fid, value);
    }
  }
  await session.closePersonalisation();
  return publicKeys;
}
