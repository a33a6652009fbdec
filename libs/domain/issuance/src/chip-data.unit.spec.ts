import { X509Certificate } from 'node:crypto';
import { type ApDataSigner, verifyApSignature } from './ap-signing';
import {
  buildChipData,
  type ChipData,
  type ChipFacts,
  type ChipImages,
  parseIndexedTemplate,
  parseTemplate,
  sha256,
  signedTextBytes,
  signedVisualBackBytes,
  signedVisualFaceBytes,
  TextTag,
  VisualTag,
} from './chip-data';
import { SoftwareApDataSigner } from './software-ap-signer';
import { readTlv, readTlvs, TlvError } from './tlv';
import { CARD_PROFILES } from './card-profile';

const FACTS: ChipFacts = {
  myNumber: '123456789018',
  familyName: '佐藤',
  givenName: '健',
  address: '北海道札幌市中央区北1条西2-1',
  birthDate: '1985-06-15',
  sex: '1',
  expiresOn: '2036-06-15',
};
const IMAGES: ChipImages = {
  name: Buffer.from('synthetic name image'),
  address: Buffer.from('synthetic address image'),
  myNumber: Buffer.from('synthetic my number image'),
  securityCode: Buffer.from('synthetic security code image'),
  photo: Buffer.alloc(20_000, 0x5a), // long enough for 82-form lengths
};

const CARD = { applicationId: '01936f2e-7c1a-7b3d-9e4f-000000000001', cardNumber: 'A0000000001A' };
let signer: SoftwareApDataSigner;
beforeAll(async () => {
  signer = await SoftwareApDataSigner.create();
});

const file = (data: ChipData, application: 'text' | 'visual', fid: number) =>
  data.files.find((f) => f.application === application && f.fid === fid)!.content;

describe.each(CARD_PROFILES)('chip data of a %s card', (profile) => {
  let data: ChipData;
  beforeAll(async () => {
    data = await buildChipData(profile, FACTS, IMAGES, signer, CARD);
  });

  it('has the five files of the text and visual APs', () => {
    expect(data.files.map((f) => `${f.application}:${f.fid.toString(16).padStart(4, '0')}`)).toEqual([
      'text:0001',
      'text:0002',
      'text:0003',
      'visual:0002',
      'visual:0005',
    ]);
  });

  it('text EF 0001 is FF 10 0C + 12 digits + FF FF', () => {
    expect(file(data, 'text', 1).toString('hex')).toBe(
      'ff100c' + Buffer.from('123456789018').toString('hex') + 'ffff',
    );
  });

  it('text EF 0002 parses back to the four facts, with DF21 pointing at each', () => {
    const facts = parseIndexedTemplate(file(data, 'text', 2), TextTag.fourFacts);
    expect([...facts.keys()]).toEqual([TextTag.name, TextTag.address, TextTag.birthDate, TextTag.sex]);
    expect(facts.get(TextTag.name)!.toString('utf8')).toBe('佐藤\u3000健');
    expect(facts.get(TextTag.address)!.toString('utf8')).toBe(FACTS.address);
    expect(facts.get(TextTag.birthDate)!.toString('ascii')).toBe('19850615');
    expect(facts.get(TextTag.sex)!.toString('ascii')).toBe('1');
  });

  it('text EF 0003 holds SHA-256 of EF 0001 and of the DF22..DF25 TLVs, and a signature that verifies', () => {
    const template = parseTemplate(file(data, 'text', 3), TextTag.signatureTemplate);
    expect(template.get(TextTag.myNumberHash)).toEqual(sha256(file(data, 'text', 1)));
    const outer = readTlv(file(data, 'text', 2));
    const fourFactTlvs = readTlvs(outer.value).slice(1);
    const fourFactBytes = outer.value.subarray(fourFactTlvs[0]!.offset);
    expect(template.get(TextTag.fourFactsHash)).toEqual(sha256(fourFactBytes));

    const { algorithm, signerCertificate } = data.signatures.find((s) => s.location === 'text-0003-DF33')!;
    const f3 = file(data, 'text', 3);
    const signed = signedTextBytes(
      readTlvs(readTlv(f3).value)
        .slice(0, 2)
        .map((t) => tlvBytes(f3, t.offset, t.size)),
    );
    expect(verifyApSignature(signed, template.get(TextTag.signature)!, algorithm, signerCertificate)).toBe(
      true,
    );
    expect(algorithm).toBe(profile === 'legacy-rsa2048' ? 'sha256WithRSAEncryption' : 'ecdsa-with-SHA256');
  });

  it('visual EF 0002 parses back, its DF24 is the signer key and DF28 verifies over the documented bytes', () => {
    const face = parseIndexedTemplate(file(data, 'visual', 2), VisualTag.face);
    expect([...face.keys()]).toEqual([
      0xdf22, 0xdf23, 0xdf24, 0xdf25, 0xdf26, 0xdf27, 0xdf28, 0xdf29, 0xdf2a,
    ]);
    expect(face.get(VisualTag.birthDate)!.toString('ascii')).toBe('19850615');
    expect(face.get(VisualTag.expiry)!.toString('ascii')).toBe('20360615');
    expect(face.get(VisualTag.photo)).toEqual(IMAGES.photo);
    expect(face.get(VisualTag.securityCodeImage)).toEqual(IMAGES.securityCode);
    const { algorithm, signerCertificate } = data.signatures.find((s) => s.location === 'visual-0002-DF28')!;
    expect(face.get(VisualTag.publicKey)).toEqual(
      new X509Certificate(signerCertificate).publicKey.export({ type: 'spki', format: 'der' }),
    );
    const signed = signedVisualFaceBytes(FACTS, IMAGES);
    expect(verifyApSignature(signed, face.get(VisualTag.signature)!, algorithm, signerCertificate)).toBe(
      true,
    );
  });

  it('visual EF 0005 holds the my-number image, the key and a signature over the DF41 TLV', () => {
    const back = parseTemplate(file(data, 'visual', 5), VisualTag.back);
    expect(back.get(VisualTag.myNumberImage)).toEqual(IMAGES.myNumber);
    const { algorithm, signerCertificate } = data.signatures.find((s) => s.location === 'visual-0005-DF43')!;
    expect(
      verifyApSignature(
        signedVisualBackBytes(IMAGES.myNumber),
        back.get(VisualTag.backSignature)!,
        algorithm,
        signerCertificate,
      ),
    ).toBe(true);
  });

  it('a one-byte change in a signed record fails verification', () => {
    // The visual AP holds the address only as an image; the birth date is text in DF22.
    const tampered = { ...FACTS, birthDate: '1985-06-16' };
    const face = parseIndexedTemplate(file(data, 'visual', 2), VisualTag.face);
    const { algorithm, signerCertificate } = data.signatures.find((s) => s.location === 'visual-0002-DF28')!;
    expect(
      verifyApSignature(
        signedVisualFaceBytes(tampered, IMAGES),
        face.get(VisualTag.signature)!,
        algorithm,
        signerCertificate,
      ),
    ).toBe(false);
    expect(
      verifyApSignature(
        signedVisualFaceBytes(FACTS, IMAGES),
        face.get(VisualTag.signature)!,
        algorithm,
        signerCertificate,
      ),
    ).toBe(true);
    const photo = Buffer.from(IMAGES.photo);
    photo[100] ^= 1;
    expect(
      verifyApSignature(
        signedVisualFaceBytes(FACTS, { ...IMAGES, photo }),
        face.get(VisualTag.signature)!,
        algorithm,
        signerCertificate,
      ),
    ).toBe(false);
    const text = Buffer.from(file(data, 'text', 3));
    text[6] ^= 1; // inside DF31
    const template = parseTemplate(file(data, 'text', 3), TextTag.signatureTemplate);
    const hashes = readTlvs(readTlv(text).value)
      .slice(0, 2)
      .map((t) => tlvBytes(text, t.offset, t.size));
    const text3 = data.signatures.find((s) => s.location === 'text-0003-DF33')!;
    expect(
      verifyApSignature(
        signedTextBytes(hashes),
        template.get(TextTag.signature)!,
        text3.algorithm,
        text3.signerCertificate,
      ),
    ).toBe(false);
  });

  it('a DF21 offset that does not point at its item is refused', () => {
    const bytes = Buffer.from(file(data, 'text', 2));
    const outer = readTlv(bytes);
    const valueStart = outer.size - outer.value.length;
    bytes[valueStart + 4] ^= 1; // low byte of the first offset
    expect(() => parseIndexedTemplate(bytes, TextTag.fourFacts)).toThrow(TlvError);
  });
});

describe('signing through the port', () => {
  it('refuses a signature in an algorithm the profile does not use', async () => {
    const wrong: ApDataSigner = {
      sign: (bytes, _profile, application, card) => signer.sign(bytes, 'next-gen', application, card),
    };
    await expect(buildChipData('legacy-rsa2048', FACTS, IMAGES, wrong, CARD)).rejects.toMatchObject({
      code: 'WRONG_ALGORITHM_FOR_PROFILE',
    });
  });

  it('refuses a signature that does not verify', async () => {
    const broken: ApDataSigner = {
      sign: async (bytes, profile, application, card) => {
        const result = await signer.sign(bytes, profile, application, card);
        const signature = Buffer.from(result.signature);
        signature[signature.length - 1] ^= 1;
        return { ...result, signature };
      },
    };
    await expect(buildChipData('legacy-rsa2048', FACTS, IMAGES, broken, CARD)).rejects.toMatchObject({
      code: 'DOES_NOT_VERIFY',
    });
  });

  it('checks each signature against the key of its own certificate, whichever it saw before', async () => {
    const other = await SoftwareApDataSigner.create('Another software AP data signer');
    const bytes = Buffer.from('signed bytes');
    for (const profile of CARD_PROFILES) {
      const mine = await signer.sign(bytes, profile, 'text', CARD);
      const theirs = await other.sign(bytes, profile, 'text', CARD);
      for (let round = 0; round < 2; round += 1) {
        expect(verifyApSignature(bytes, mine.signature, mine.algorithm, mine.signerCertificate)).toBe(true);
        expect(verifyApSignature(bytes, theirs.signature, theirs.algorithm, theirs.signerCertificate)).toBe(
          true,
        );
        expect(verifyApSignature(bytes, mine.signature, mine.algorithm, theirs.signerCertificate)).toBe(
          false,
        );
      }
    }
  });

  it('refuses a signer certificate that is not X.509, every time', async () => {
    const garbled: ApDataSigner = {
      sign: async (bytes, profile, application, card) => ({
        ...(await signer.sign(bytes, profile, application, card)),
        signerCertificate: Buffer.from('not a certificate'),
      }),
    };
    for (let round = 0; round < 2; round += 1)
      await expect(buildChipData('next-gen', FACTS, IMAGES, garbled, CARD)).rejects.toMatchObject({
        code: 'BAD_CERTIFICATE',
      });
  });

  it('refuses facts the files cannot hold', async () => {
    await expect(
      buildChipData('next-gen', { ...FACTS, myNumber: '12345' }, IMAGES, signer, CARD),
    ).rejects.toThrow('a my number is 12 digits');
  });
});

/** The bytes of a TLV found inside FF30's value, relative to the file (FF 30 + one length byte + …). */
function tlvBytes(fileBytes: Buffer, offsetInValue: number, size: number): Buffer {
  const outer = readTlv(fileBytes);
  const valueStart = outer.size - outer.value.length;
  return fileBytes.subarray(valueStart + offsetInValue, valueStart + offsetInValue + size);
}
