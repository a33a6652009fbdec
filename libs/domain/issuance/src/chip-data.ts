import { createHash } from 'node:crypto';
import type { IsoDate } from '@mnc/domain-applicant';
import {
  type ApDataSigner,
  type ApSignatureAlgorithm,
  signChecked,
  type SigningCard,
  subjectPublicKeyInfo,
} from './ap-signing';
import type { CardProfile } from './card-profile';
import { readTlv, readTlvs, tlv, TlvError } from './tlv';

/**
 * The data objects of the two card-face applications, in the public layout of today's card
 * (card-interface.md), for both profiles. The layouts are the same for both; what differs is the signature
 * algorithm and the face image (legacy: greyscale, next-gen: colour, larger).
 *
 * Offsets (DF21 in both APs): the project's definition, since no public source documents the bytes: one
 * 2-byte big-endian offset per following TLV of the template, in file order, each counted from the first
 * byte of the template's value (the byte after FF20's length). A reader can jump to the n-th item without
 * parsing the ones before it.
 */
export const TextTag = {
  myNumber: 0xff10,
  fourFacts: 0xff20,
  offsets: 0xdf21,
  name: 0xdf22,
  address: 0xdf23,
  birthDate: 0xdf24,
  sex: 0xdf25,
  signatureTemplate: 0xff30,
  myNumberHash: 0xdf31,
  fourFactsHash: 0xdf32,
  signature: 0xdf33,
} as const;

export const VisualTag = {
  face: 0xff20,
  offsets: 0xdf21,
  birthDate: 0xdf22,
  sex: 0xdf23,
  publicKey: 0xdf24,
  nameImage: 0xdf25,
  addressImage: 0xdf26,
  photo: 0xdf27,
  signature: 0xdf28,
  expiry: 0xdf29,
  securityCodeImage: 0xdf2a,
  back: 0xff40,
  myNumberImage: 0xdf41,
  backPublicKey: 0xdf42,
  backSignature: 0xdf43,
} as const;

export interface CardFile {
  readonly application: 'text' | 'visual';
  readonly fid: number;
  readonly content: Buffer;
}

export interface ChipFacts {
  readonly myNumber: string;
  /** Legal name: family and given name, as registered. */
  readonly familyName: string;
  readonly givenName: string;
  /** The registered address as one line (prefecture, municipality, rest). */
  readonly address: string;
  readonly birthDate: IsoDate;
  readonly sex: '1' | '2' | '9';
  readonly expiresOn: IsoDate;
}

export interface ChipImages {
  readonly name: Buffer;
  readonly address: Buffer;
  readonly myNumber: Buffer;
  readonly securityCode: Buffer;
  /** Face image: greyscale JPEG for legacy-rsa2048, colour JPEG 420x540 for next-gen. */
  readonly photo: Buffer;
}

export interface ChipSignature {
  readonly application: 'text' | 'visual';
  /** Where the signature sits: text EF 0003 DF33, visual EF 0002 DF28, visual EF 0005 DF43. */
  readonly location: 'text-0003-DF33' | 'visual-0002-DF28' | 'visual-0005-DF43';
  readonly algorithm: ApSignatureAlgorithm;
  readonly signerCertificate: Buffer;
}

export interface ChipData {
  readonly files: readonly CardFile[];
  readonly signatures: readonly ChipSignature[];
}

/** Facts the files cannot hold: permanent, a retry builds the same files. */
export class ChipDataError extends Error {
  override readonly name = 'ChipDataError';
  readonly permanent = true;
}

const ascii = (text: string) => Buffer.from(text, 'ascii');
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const yyyymmdd = (date: IsoDate) => ascii(date.replace(/-/g, ''));
export const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** Text AP EF 0001: FF 10 0C + 12 ASCII digits + FF FF (two filler bytes, as readers of today's card expect). */
export function textMyNumberFile(myNumber: string): Buffer {
  if (!/^[0-9]{12}$/.test(myNumber)) throw new ChipDataError('a my number is 12 digits');
  return Buffer.concat([tlv(TextTag.myNumber, ascii(myNumber)), Buffer.from([0xff, 0xff])]);
}

/** Name as the text AP holds it: family and given name separated by an ideographic space (U+3000). */
export function textName(familyName: string, givenName: string): string {
  return `${familyName}\u3000${givenName}`;
}

/** A template whose value starts with DF21 offsets of the `items` that follow it. */
function templateWithOffsets(templateTag: number, items: readonly Buffer[]): Buffer {
  const offsetsSize = 3 + 2 * items.length; // DF 21 + one length byte + 2 bytes per item
  if (2 * items.length >= 0x80) throw new ChipDataError('too many items for a short-form DF21');
  const offsets = Buffer.alloc(2 * items.length);
  let at = offsetsSize;
  items.forEach((item, i) => {
    if (at > 0xffff) throw new ChipDataError('a template over 64 KiB cannot be indexed with 2-byte offsets');
    offsets.writeUInt16BE(at, 2 * i);
    at += item.length;
  });
  return tlv(templateTag, Buffer.concat([tlv(TextTag.offsets, offsets), ...items]));
}

/** The four DF22..DF25 TLVs of text EF 0002, in order. */
export function fourFactsTlvs(facts: ChipFacts): Buffer[] {
  return [
    tlv(TextTag.name, utf8(textName(facts.familyName, facts.givenName))),
    tlv(TextTag.address, utf8(facts.address)),
    tlv(TextTag.birthDate, yyyymmdd(facts.birthDate)),
    tlv(TextTag.sex, ascii(facts.sex)),
  ];
}

export function textFourFactsFile(facts: ChipFacts): Buffer {
  return templateWithOffsets(TextTag.fourFacts, fourFactsTlvs(facts));
}

/** The two hash TLVs of text EF 0003: DF31 = SHA-256 of all of EF 0001, DF32 = SHA-256 of DF22..DF25. */
export function textHashTlvs(myNumberFile: Buffer, fourFacts: readonly Buffer[]): Buffer[] {
  return [
    tlv(TextTag.myNumberHash, sha256(myNumberFile)),
    tlv(TextTag.fourFactsHash, sha256(Buffer.concat(fourFacts))),
  ];
}

/** What DF33 signs: the DF31 and DF32 TLVs (tag, length, hash), concatenated as they appear in EF 0003. */
export function signedTextBytes(hashTlvs: readonly Buffer[]): Buffer {
  return Buffer.concat(hashTlvs);
}

/** The visual EF 0002 items in file order; the signature and public key are filled in after signing. */
function visualFaceItems(
  facts: ChipFacts,
  images: ChipImages,
  publicKey: Buffer,
  signature: Buffer,
): { tag: number; tlv: Buffer; signed: boolean }[] {
  const item = (tag: number, value: Buffer, signed: boolean) => ({ tag, tlv: tlv(tag, value), signed });
  return [
    item(VisualTag.birthDate, yyyymmdd(facts.birthDate), true),
    item(VisualTag.sex, ascii(facts.sex), true),
    item(VisualTag.publicKey, publicKey, false),
    item(VisualTag.nameImage, images.name, true),
    item(VisualTag.addressImage, images.address, true),
    item(VisualTag.photo, images.photo, true),
    item(VisualTag.signature, signature, false),
    item(VisualTag.expiry, yyyymmdd(facts.expiresOn), true),
    item(VisualTag.securityCodeImage, images.securityCode, true),
  ];
}

/**
 * What DF28 signs: the TLVs DF22, DF23, DF25, DF26, DF27, DF29, DF2A concatenated in file order, i.e. every
 * item of the template except the offsets (derived), the public key (a verifier takes the key from the CA's
 * certificate, never from the card) and the signature itself.
 */
export function signedVisualFaceBytes(facts: ChipFacts, images: ChipImages): Buffer {
  return Buffer.concat(
    visualFaceItems(facts, images, Buffer.alloc(0), Buffer.alloc(0))
      .filter((i) => i.signed)
      .map((i) => i.tlv),
  );
}

/** What DF43 signs: the DF41 TLV (the my-number image). */
export function signedVisualBackBytes(myNumberImage: Buffer): Buffer {
  return tlv(VisualTag.myNumberImage, myNumberImage);
}

/**
 * Every file of the text and visual APs, signed through `signer`. The JPKI AP (keys generated on the card,
 * certificates issued at the lane) and the resident register AP are not issuance data.
 */
export async function buildChipData(
  profile: CardProfile,
  facts: ChipFacts,
  images: ChipImages,
  signer: ApDataSigner,
  card: SigningCard,
): Promise<ChipData> {
  const myNumberFile = textMyNumberFile(facts.myNumber);
  const fourFacts = fourFactsTlvs(facts);
  const hashes = textHashTlvs(myNumberFile, fourFacts);
  const textSignature = await signChecked(signer, signedTextBytes(hashes), profile, 'text', card);
  const textSignatureFile = tlv(
    TextTag.signatureTemplate,
    Buffer.concat([...hashes, tlv(TextTag.signature, textSignature.signature)]),
  );

  const faceSignature = await signChecked(
    signer,
    signedVisualFaceBytes(facts, images),
    profile,
    'visual',
    card,
  );
  const backSignature = await signChecked(
    signer,
    signedVisualBackBytes(images.myNumber),
    profile,
    'visual',
    card,
  );
  const facePublicKey = subjectPublicKeyInfo(faceSignature.signerCertificate);
  const backPublicKey = subjectPublicKeyInfo(backSignature.signerCertificate);
  const faceFile = templateWithOffsets(
    VisualTag.face,
    visualFaceItems(facts, images, facePublicKey, faceSignature.signature).map((i) => i.tlv),
  );
  const backFile = tlv(
    VisualTag.back,
    Buffer.concat([
      tlv(VisualTag.myNumberImage, images.myNumber),
      tlv(VisualTag.backPublicKey, backPublicKey),
      tlv(VisualTag.backSignature, backSignature.signature),
    ]),
  );
  const described = (
    application: 'text' | 'visual',
    location: ChipSignature['location'],
    s: { algorithm: ApSignatureAlgorithm; signerCertificate: Buffer },
  ): ChipSignature => ({
    application,
    location,
    algorithm: s.algorithm,
    signerCertificate: s.signerCertificate,
  });
  return {
    files: [
      { application: 'text', fid: 0x0001, content: myNumberFile },
      { application: 'text', fid: 0x0002, content: textFourFactsFile(facts) },
      { application: 'text', fid: 0x0003, content: textSignatureFile },
      { application: 'visual', fid: 0x0002, content: faceFile },
      { application: 'visual', fid: 0x0005, content: backFile },
    ],
    signatures: [
      described('text', 'text-0003-DF33', textSignature),
      described('visual', 'visual-0002-DF28', faceSignature),
      described('visual', 'visual-0005-DF43', backSignature),
    ],
  };
}

/** Reads a template (FF20 with DF21 offsets first) back into tag → value, checking every offset. */
export function parseIndexedTemplate(file: Buffer, templateTag: number): Map<number, Buffer> {
  const outer = readTlv(file);
  if (outer.tag !== templateTag) throw new TlvError(`expected template ${templateTag.toString(16)}`);
  const items = readTlvs(outer.value);
  const [offsets, ...rest] = items;
  if (!offsets || offsets.tag !== TextTag.offsets)
    throw new TlvError('the template does not start with DF21');
  if (offsets.value.length !== 2 * rest.length) throw new TlvError('DF21 does not index every item');
  rest.forEach((item, i) => {
    if (offsets.value.readUInt16BE(2 * i) !== item.offset)
      throw new TlvError(`DF21 offset ${i} does not point at tag ${item.tag.toString(16)}`);
  });
  return new Map(rest.map((item) => [item.tag, Buffer.from(item.value)]));
}

/** Reads a plain template (FF30, FF40) back into tag → value. */
export function parseTemplate(file: Buffer, templateTag: number): Map<number, Buffer> {
  const outer = readTlv(file);
  if (outer.tag !== templateTag) throw new TlvError(`expected template ${templateTag.toString(16)}`);
  return new Map(readTlvs(outer.value).map((item) => [item.tag, Buffer.from(item.value)]));
}
