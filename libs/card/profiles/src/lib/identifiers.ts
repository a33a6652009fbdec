// File identifiers of the APs. Today's card (legacy-rsa2048) follows the public layout independent readers
// use (OpenSC's JPKI driver, jpki/myna, myna-card); next-gen adds the card authentication key and
// certificate and the PUK in the JPKI AP. docs/apdu-spec.md is the published form of these tables.

export const JPKI_FID = {
  SIGNATURE_CERTIFICATE: 0x0001,
  SIGNATURE_CA_CERTIFICATE: 0x0002,
  TOKEN_INFO: 0x0006,
  CERTIFICATE_PRESENCE: 0x0008,
  AUTHENTICATION_CERTIFICATE: 0x000a,
  AUTHENTICATION_CA_CERTIFICATE: 0x000b,
  /** next-gen only. */
  CARD_AUTHENTICATION_CERTIFICATE: 0x000c,
  AUTHENTICATION_KEY: 0x0017,
  AUTHENTICATION_PIN: 0x0018,
  SIGNATURE_KEY: 0x001a,
  SIGNATURE_PASSWORD: 0x001b,
  /** next-gen only. */
  CARD_AUTHENTICATION_KEY: 0x001c,
  /** next-gen only. */
  PUK: 0x001d,
} as const;

export const TEXT_FID = {
  MY_NUMBER: 0x0001,
  FOUR_FACTS: 0x0002,
  SIGNATURE: 0x0003,
  PIN: 0x0011,
  CHECK_CODE_A: 0x0014,
  CHECK_CODE_B: 0x0015,
} as const;

export const VISUAL_FID = {
  CARD_FACE: 0x0002,
  MY_NUMBER_IMAGE: 0x0005,
  CHECK_CODE_B: 0x0012,
  CHECK_CODE_A: 0x0013,
} as const;

/** Token info (EF 0006): 160 bytes whose first 32 name the token, space-padded (0x20, not NUL). */
export const TOKEN_INFO_SIZE = 160;
export const TOKEN_LABEL: Readonly<Record<'legacy-rsa2048' | 'next-gen', string>> = {
  'legacy-rsa2048': 'JPKIAPICCTOKEN2',
  'next-gen': 'JPKIAPICCTOKEN3',
};

/** EF 0008 on a card carrying both JPKI certificates, as OpenSC expects it. */
export const CERTIFICATE_PRESENCE = Uint8Array.of(0x8f, 0x8f, 0x00);

export function tokenInfo(label: string): Uint8Array {
  const bytes = new Uint8Array(TOKEN_INFO_SIZE).fill(0x20);
  bytes.set(new TextEncoder().encode(label.slice(0, 32)), 0);
  return bytes;
}

export function formatFid(fid: number): string {
  return fid.toString(16).toUpperCase().padStart(4, '0');
}
