import sharp from 'sharp';
import { parsePersonalisationBundle, bundleFile, type ApplicantRecord, type BlobRef } from '@mnc/contracts';
import {
  type CardProfile,
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
import { chipFaceImage, FACE_IMAGE, nameLines, renderChipImages, textImage, textSvg } from './chip-images';
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

  it('are the greyscale of what librsvg draws, byte for byte', async () => {
    const record = {
      ...applicant(),
      alias: { name: '山田花', kana: 'ヤマダハナ' },
      romaji: { familyName: 'YAMADA', givenName: 'HANAKO' },
    };
    const lines = nameLines(record, 'next-gen');
    const reference = await sharp(textSvg(lines, 512), { density: 72 })
      .greyscale()
      .png({ palette: true, colours: 4, compressionLevel: 9 })
      .toBuffer();
    expect(await textImage(lines, 512)).toEqual(reference);
  });
});

describe('chipFaceImage', () => {
  /** The face image as decoding and resizing the photo again for every quality tried gives it. */
  async function decodedPerTry(photo: Buffer, profile: CardProfile): Promise<Buffer | undefined> {
    const spec = FACE_IMAGE[profile];
    const base = sharp(photo)
      .rotate()
      .resize(spec.width, spec.height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' });
    const resized = spec.colour ? base.toColourspace('srgb') : base.greyscale().toColourspace('b-w');
    let [low, high, best] = [40, 90, undefined as Buffer | undefined];
    while (low <= high) {
      const quality = Math.floor((low + high) / 2);
      const jpeg = await resized.clone().jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
      if (jpeg.length <= spec.maxBytes) [best, low] = [jpeg, quality + 1];
      else high = quality - 1;
    }
    return best;
  }

  it.each(['legacy-rsa2048', 'next-gen'] as const)(
    'given a %s card, then the bytes a decode per quality tried gives, for grainy photos and alpha too',
    async (profile) => {
      const withAlpha = await sharp(portrait).ensureAlpha(0.5).png().toBuffer();
      // Grain makes the photo too large for quality 90, so the search settles lower.
      let seed = 7;
      const noise = Buffer.alloc(600 * 800 * 3);
      for (let i = 0; i < noise.length; i += 1) {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        noise[i] = 128 + ((seed >> 16) % 181) - 90;
      }
      const grain = await sharp(noise, { raw: { width: 600, height: 800, channels: 3 } })
        .png()
        .toBuffer();
      const grainy = await sharp(portrait)
        .composite([{ input: grain, blend: 'overlay' }])
        .jpeg({ quality: 95 })
        .toBuffer();
      for (const photo of [portrait, withAlpha, grainy])
        expect(await chipFaceImage(photo, profile)).toEqual(await decodedPerTry(photo, profile));
    },
  );
});
