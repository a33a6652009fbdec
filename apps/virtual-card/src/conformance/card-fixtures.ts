// Cards in the states the conformance cases start from, built once per profile by APDUs (keys generated on
// the card) and copied from their state for each case, so every case starts from the same card.
import {
  afterPin,
  ALWAYS,
  CardProfile,
  CardSession,
  CERTIFICATE_PRESENCE,
  fromHex,
  JPKI_FID,
  TEXT_FID,
  TOKEN_LABEL,
  tokenInfo,
  VISUAL_FID,
} from '@mnc/card-profiles';
import { VirtualCard, VirtualCardState } from '@mnc/virtual-card';

export type CardStage = 'blank' | 'personalising' | 'operational';

/** The values the fixture cards are personalised with (synthetic). */
export const SECRETS = {
  pin: '1234',
  signaturePassword: 'ABC123',
  puk: '12345678',
  textPin: '4321',
  checkCodeA: '123456789012',
  checkCodeB: '90101020301234',
} as const;

/** Stands in for a DER certificate: `30 82 LL LL` then LLLL bytes, as readers expect. */
export function fakeCertificate(length: number, seed: number): Uint8Array {
  const body = Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);
  return new Uint8Array([0x30, 0x82, length >> 8, length & 0xff, ...body]);
}

let serialCounter = 0;
export function nextSerial(): Uint8Array {
  serialCounter += 1;
  return fromHex(
    `C0${(Date.now() % 0xffffffffff).toString(16).padStart(10, '0')}${serialCounter.toString(16).padStart(4, '0')}`,
  );
}

const inProcess = (card: VirtualCard) => new CardSession(async (apdu) => card.transmit(apdu));

/** Files, keys and PINs of a full personalisation, not yet closed. */
export async function personalise(session: CardSession, profile: CardProfile): Promise<void> {
  await session.selectApplication('jpki');
  await session.writeFile(JPKI_FID.TOKEN_INFO, tokenInfo(TOKEN_LABEL[profile]), ALWAYS);
  await session.writeFile(JPKI_FID.CERTIFICATE_PRESENCE, CERTIFICATE_PRESENCE, ALWAYS);
  await session.writeFile(JPKI_FID.AUTHENTICATION_CERTIFICATE, fakeCertificate(600, 1), ALWAYS);
  await session.writeFile(JPKI_FID.AUTHENTICATION_CA_CERTIFICATE, fakeCertificate(500, 2), ALWAYS);
  await session.writeFile(
    JPKI_FID.SIGNATURE_CERTIFICATE,
    fakeCertificate(600, 3),
    afterPin(JPKI_FID.SIGNATURE_PASSWORD),
  );
  await session.writeFile(JPKI_FID.SIGNATURE_CA_CERTIFICATE, fakeCertificate(500, 4), ALWAYS);
  await session.generateKeyPair(JPKI_FID.AUTHENTICATION_KEY);
  await session.generateKeyPair(JPKI_FID.SIGNATURE_KEY);
  await session.changeReferenceData(JPKI_FID.AUTHENTICATION_PIN, SECRETS.pin);
  await session.changeReferenceData(JPKI_FID.SIGNATURE_PASSWORD, SECRETS.signaturePassword);
  if (profile === 'next-gen') {
    await session.writeFile(JPKI_FID.CARD_AUTHENTICATION_CERTIFICATE, fakeCertificate(400, 5), ALWAYS);
    await session.generateKeyPair(JPKI_FID.CARD_AUTHENTICATION_KEY);
    await session.changeReferenceData(JPKI_FID.PUK, SECRETS.puk);
  }
  await session.selectApplication('text');
  await session.writeFile(
    TEXT_FID.MY_NUMBER,
    fromHex('FF100C313233343536373839303132FFFF'),
    afterPin(TEXT_FID.PIN, TEXT_FID.CHECK_CODE_A),
  );
  await session.changeReferenceData(TEXT_FID.PIN, SECRETS.textPin);
  await session.changeReferenceData(TEXT_FID.CHECK_CODE_A, SECRETS.checkCodeA);
  await session.changeReferenceData(TEXT_FID.CHECK_CODE_B, SECRETS.checkCodeB);
  await session.selectApplication('visual');
  await session.writeFile(
    VISUAL_FID.CARD_FACE,
    fakeCertificate(2000, 6),
    afterPin(VISUAL_FID.CHECK_CODE_A, VISUAL_FID.CHECK_CODE_B),
  );
  await session.changeReferenceData(VISUAL_FID.CHECK_CODE_A, SECRETS.checkCodeA);
  await session.changeReferenceData(VISUAL_FID.CHECK_CODE_B, SECRETS.checkCodeB);
}

const templates = new Map<string, Promise<VirtualCardState>>();

async function buildTemplate(profile: CardProfile, stage: CardStage): Promise<VirtualCardState> {
  const card = VirtualCard.blank(profile, nextSerial());
  if (stage !== 'blank') {
    const session = inProcess(card);
    await personalise(session, profile);
    if (stage === 'operational') await session.closePersonalisation();
  }
  return card.toState();
}

/** A new card (fresh serial) in the stage, copied from a template built on first use. */
export async function fixtureCard(profile: CardProfile, stage: CardStage): Promise<VirtualCard> {
  const key = `${profile}/${stage}`;
  let template = templates.get(key);
  if (template === undefined) {
    template = buildTemplate(profile, stage);
    templates.set(key, template);
  }
  const state = JSON.parse(JSON.stringify(await template)) as { serial: string };
  state.serial = Buffer.from(nextSerial()).toString('hex').toUpperCase();
  return VirtualCard.fromState(state);
}
