import { randomBytes } from 'node:crypto';
import {
  CardProfile,
  CardSession,
  CARD_PROFILES,
  CERTIFICATE_PRESENCE,
  fromHex,
  JPKI_FID,
  personaliseCard,
  TEXT_FID,
  TOKEN_LABEL,
  tokenInfo,
  VISUAL_FID,
} from '@mnc/card-profiles';
import { VirtualCard } from '@mnc/virtual-card';
import type { BenchSection } from './section';

/** Sizes of what a real issuance writes, stood in by random bytes: the card only counts them. */
const SIZES = {
  certificate: 1300,
  caCertificate: 1100,
  fourFacts: 300,
  textSignature: 350,
  cardFace: 24_000,
  myNumberImage: 3000,
};

export interface CardProfileFigures {
  readonly profile: CardProfile;
  readonly cards: number;
  /** Per card, the whole personalisation script: files, key generation, certificates, PINs, close. */
  readonly apdusPerCard: number;
  readonly bytesToCardPerCard: number;
  readonly bytesFromCardPerCard: number;
  /** Software time per card in the in-process card and the host library, key generation excluded. */
  readonly msPerCardMedian: number;
  /** Time the card spent generating keys (node:crypto), per card. */
  readonly keyGenerationMsMedian: number;
}

const bytes = (size: number) => new Uint8Array(randomBytes(size));

async function personaliseOne(
  profile: CardProfile,
  serial: number,
): Promise<{ session: CardSession; ms: number; keyGenerationMs: number }> {
  const card = VirtualCard.blank(profile, fromHex(serial.toString(16).padStart(16, '0')));
  let keyGeneration = 0n;
  // On-card key generation is the chip's time on a real card, so it is measured apart.
  const session = new CardSession(async (apdu) => {
    if (apdu[1] !== 0x47 || apdu[2] !== 0x80) return card.transmit(apdu);
    const started = process.hrtime.bigint();
    const response = card.transmit(apdu);
    keyGeneration += process.hrtime.bigint() - started;
    return response;
  });
  const started = process.hrtime.bigint();
  await personaliseCard(session, {
    profile,
    files: {
      jpki: new Map([
        [JPKI_FID.TOKEN_INFO, tokenInfo(TOKEN_LABEL[profile])],
        [JPKI_FID.CERTIFICATE_PRESENCE, CERTIFICATE_PRESENCE],
        [JPKI_FID.AUTHENTICATION_CA_CERTIFICATE, bytes(SIZES.caCertificate)],
        [JPKI_FID.SIGNATURE_CA_CERTIFICATE, bytes(SIZES.caCertificate)],
      ]),
      text: new Map([
        [TEXT_FID.MY_NUMBER, fromHex('FF100C313233343536373839303132FFFF')],
        [TEXT_FID.FOUR_FACTS, bytes(SIZES.fourFacts)],
        [TEXT_FID.SIGNATURE, bytes(SIZES.textSignature)],
      ]),
      visual: new Map([
        [VISUAL_FID.CARD_FACE, bytes(SIZES.cardFace)],
        [VISUAL_FID.MY_NUMBER_IMAGE, bytes(SIZES.myNumberImage)],
      ]),
    },
    pins: {
      jpki: new Map([
        [JPKI_FID.AUTHENTICATION_PIN, '1234'],
        [JPKI_FID.SIGNATURE_PASSWORD, 'ABC123'],
        ...(profile === 'next-gen' ? ([[JPKI_FID.PUK, '12345678']] as const) : []),
      ]),
      text: new Map([
        [TEXT_FID.PIN, '1234'],
        [TEXT_FID.CHECK_CODE_A, '123456789012'],
        [TEXT_FID.CHECK_CODE_B, '90101020301234'],
      ]),
      visual: new Map([
        [VISUAL_FID.CHECK_CODE_A, '123456789012'],
        [VISUAL_FID.CHECK_CODE_B, '90101020301234'],
      ]),
    },
    // One proof-of-possession signature per key, as a certificate request would need: SIGN where the key
    // signs, INTERNAL AUTHENTICATE of a challenge for the card authentication key.
    certify: async (key) => {
      const input = { 'rsa-2048': 51, 'ec-p256': 32, 'ec-p384': 48 }[key.definition.algorithm];
      if (key.definition.sign !== undefined) await key.sign(new Uint8Array(input));
      else await key.internalAuthenticate(bytes(32));
      return bytes(SIZES.certificate);
    },
  });
  return {
    session,
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    keyGenerationMs: Number(keyGeneration) / 1e6,
  };
}

/** APDUs and bytes per card per profile for a full personalisation, against the in-process virtual card. */
export async function cardBench(cards = 10): Promise<CardProfileFigures[]> {
  const figures: CardProfileFigures[] = [];
  for (const profile of CARD_PROFILES) {
    const times: number[] = [];
    const keyTimes: number[] = [];
    let last: CardSession | undefined;
    for (let i = 0; i < cards; i++) {
      const { session, ms, keyGenerationMs } = await personaliseOne(profile, 0xbe0000 + i);
      times.push(ms - keyGenerationMs);
      keyTimes.push(keyGenerationMs);
      last = session;
    }
    const median = (values: number[]) =>
      Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] * 10) / 10;
    const traffic = last!.traffic;
    figures.push({
      profile,
      cards,
      apdusPerCard: traffic.apdus,
      bytesToCardPerCard: traffic.bytesOut,
      bytesFromCardPerCard: traffic.bytesIn,
      msPerCardMedian: median(times),
      keyGenerationMsMedian: median(keyTimes),
    });
  }
  return figures;
}

export function cardSection(cards = 10): BenchSection {
  return {
    name: 'card',
    title: 'Card personalisation script: APDUs and bytes per card per profile',
    run: async () => {
      const figures = await cardBench(cards);
      return {
        figures,
        markdown: [
          '| profile | APDUs/card | bytes to card | bytes from card | software ms/card (median) | on-card key generation ms/card |',
          '| --- | ---: | ---: | ---: | ---: | ---: |',
          ...figures.map(
            (f) =>
              `| ${f.profile} | ${f.apdusPerCard} | ${f.bytesToCardPerCard} | ${f.bytesFromCardPerCard} | ${f.msPerCardMedian} | ${f.keyGenerationMsMedian} |`,
          ),
          '',
          `Full personalisation by @mnc/card-profiles' personaliseCard against the in-process virtual card (${cards} cards each): files of the JPKI, text and visual APs (face image ${SIZES.cardFace} bytes), keys generated on the card with one proof-of-possession signature each, certificates of ${SIZES.certificate} bytes, every PIN, CLOSE PERSONALISATION; writes in 255-byte UPDATE BINARY chunks. No read-back.`,
        ],
        chart: figures.map((f) => ({ label: `${f.profile} APDUs/card`, value: f.apdusPerCard })),
      };
    },
  };
}
