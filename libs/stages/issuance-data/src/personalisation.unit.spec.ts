import sharp from 'sharp';
import { parsePersonalisationBundle, bundleFile, type ApplicantRecord, type BlobRef } from '@mnc/contracts';
import {
  cardNumberFor,
  parseIndexedTemplate,
  parseTemplate,
  sha256,
  signedVisualBackBytes,
  SoftwareApDataSigner,
  TextTag,
  verifyApSignature,
  VisualTag,
} from '@mnc/domain-issuance';
import { syntheticApplicant, syntheticPortrait } from '@mnc/synthetic';
import { chipFaceImage, FACE_IMAGE, nameLines, renderChipImages } from './chip-images';
import type { CardDraft } from './card-drafts.service';
import { generateBundle } from './personalisation';

jest.setTimeout(30_000);

const PHOTO_REF: BlobRef = { hash: `sha256:${'0f'.repeat(32)}`, size: 51_200, mediaType: 'image/jpeg' };
let signer: SoftwareApDataSigner;
let portrait: Buffer;
beforeAll(async () => {
  signer = await SoftwareApDataSigner.create();
  portrait = (await syntheticPortrait(7)).bytes;
});

const applicant = (overrides: Partial<ApplicantRecord> = {}): ApplicantRecord => ({
  ...syntheticApplicant(11),
  birthDate: '1985-06-15',
  ...overrides,
});

const draft = (cardProfile: CardDraft['cardProfile']): CardDraft => ({
  applicationId: '01936f2e-7c1a-7b3d-9e4f-000000000001',
  cardId: '01936f2e-7c1a-7b3d-9e4f-5a6b7c8d9e0f',
  cardNumber: cardNumberFor(99n),
  cardProfile,
  issuedOn: '2026-11-28',
  secrets:
    cardProfile === 'next-gen'
      ? { securityCode: '0421', puk: '12345678' }
      : {
          securityCode: '0421',
          initialPins: { userAuthenticationPin: '1234', signaturePassword: 'TESTPASS1' },
        },
});

describe('generateBundle', () => {
  describe.each(['legacy-rsa2048', 'next-gen'] as const)('given a %s card', (profile) => {
    it('then the bundle validates and carries dates, secrets and the five AP files', async () => {
      const record = applicant();
      const bundle = await generateBundle(
        { applicant: record, photo: PHOTO_REF, photoBytes: portrait, draft: draft(profile) },
        signer,
      );
      expect(parsePersonalisationBundle(Buffer.from(JSON.stringify(bundle)))).toEqual(bundle);
      expect(bundle).toMatchObject({
        version: 2,
        cardProfile: profile,
        cardNumber: cardNumberFor(99n),
        issuedOn: '2026-11-28',
        expiresOn: '2036-06-15',
        securityCode: '0421',
        collationNumberA: record.myNumber,
        collationNumberB: '60061520360421',
        certificates: { lastValidDay: profile === 'next-gen' ? '2036-06-15' : '2031-06-15' },
      });
      expect(bundle.puk).toBe(profile === 'next-gen' ? '12345678' : undefined);
      expect(bundle.files.map((f) => `${f.application}:${f.fid}`)).toEqual([
        'text:1',
        'text:2',
        'text:3',
        'visual:2',
        'visual:5',
      ]);
      const facts = parseIndexedTemplate(bundleFile(bundle, 'text', 2), TextTag.fourFacts);
      expect(facts.get(TextTag.name)!.toString()).toBe(`${record.familyName}\u3000${record.givenName}`);
      const hashes = parseTemplate(bundleFile(bundle, 'text', 3), TextTag.signatureTemplate);
      expect(hashes.get(TextTag.myNumberHash)).toEqual(sha256(bundleFile(bundle, 'text', 1)));
    });

    it('then the face image has the profile size, colour and byte limit', async () => {
      const bundle = await generateBundle(
        { applicant: applicant(), photo: PHOTO_REF, photoBytes: portrait, draft: draft(profile) },
        signer,
      );
      const face = parseIndexedTemplate(bundleFile(bundle, 'visual', 2), VisualTag.face).get(
        VisualTag.photo,
      )!;
      const meta = await sharp(face).metadata();
      const spec = FACE_IMAGE[profile];
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', spec.width, spec.height]);
      expect(meta.channels).toBe(spec.colour ? 3 : 1);
      expect(face.length).toBeLessThanOrEqual(spec.maxBytes);
      expect(meta.exif).toBeUndefined();
      const signature = bundle.apSignatures.find((s) => s.location === 'visual-0002-DF28')!;
      expect(signature.algorithm).toBe(
        profile === 'next-gen' ? 'ecdsa-with-SHA256' : 'sha256WithRSAEncryption',
      );
    });
  });

  it('given a 17-year-old, then a 5-birthday card', async () => {
    const bundle = await generateBundle(
      {
        applicant: applicant({ birthDate: '2009-12-01' }),
        photo: PHOTO_REF,
        photoBytes: portrait,
        draft: draft('next-gen'),
      },
      signer,
    );
    expect(bundle.expiresOn).toBe('2030-12-01'); // 1st birthday after issue: 2026-12-01
  });

  it('given a photo that is not an image, then a typed error', async () => {
    await expect(chipFaceImage(Buffer.from('not an image'), 'next-gen')).rejects.toMatchObject({
      code: 'PHOTO_UNREADABLE',
    });
  });

  it('the visual AP signature covers the rendered images', async () => {
    const bundle = await generateBundle(
      { applicant: applicant(), photo: PHOTO_REF, photoBytes: portrait, draft: draft('next-gen') },
      signer,
    );
    const back = parseTemplate(bundleFile(bundle, 'visual', 5), VisualTag.back);
    const info = bundle.apSignatures.find((s) => s.location === 'visual-0005-DF43')!;
    const image = back.get(VisualTag.myNumberImage)!;
    const signed = signedVisualBackBytes(image);
    const certificate = Buffer.from(info.signerCertificate, 'base64');
    expect(verifyApSignature(signed, back.get(VisualTag.backSignature)!, info.algorithm, certificate)).toBe(
      true,
    );
    expect((await sharp(image).metadata()).format).toBe('png');
  });
});

describe('nameLines', () => {
  it('shows the former surname and alias; next-gen adds furigana and romaji', () => {
    const record = {
      ...applicant({
        familyName: '山田',
        givenName: '花子',
        familyNameKana: 'ヤマダ',
        givenNameKana: 'ハナコ',
      }),
      formerSurname: { familyName: '佐藤', familyNameKana: 'サトウ' },
      alias: { name: '山田花', kana: 'ヤマダハナ' },
      romaji: { familyName: 'YAMADA', givenName: 'HANAKO' },
    };
    expect(nameLines(record, 'legacy-rsa2048').map((l) => l.text)).toEqual([
      '山田［佐藤］\u3000花子',
      '通称\u3000山田花',
    ]);
    expect(nameLines(record, 'next-gen').map((l) => l.text)).toEqual([
      'ヤマダ\u3000ハナコ',
      '山田［佐藤］\u3000花子',
      '通称\u3000山田花',
      'YAMADA HANAKO',
    ]);
  });
});

describe('text images', () => {
  it('widen for a long name instead of clipping it', async () => {
    const long = { ...applicant(), familyName: '長'.repeat(20), givenName: '名'.repeat(20) };
    const images = await renderChipImages(long, '0421', portrait, 'legacy-rsa2048');
    expect((await sharp(images.name).metadata()).width).toBeGreaterThan(40 * 28);
  });
});
