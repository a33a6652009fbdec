import { generateKeyPairSync, sign } from 'node:crypto';
import { TEXT_FID, VISUAL_FID } from '@mnc/card-profiles';
import {
  createSoftwareHierarchy,
  issueCardCertificate,
  randomSerialNumber,
  type CaHierarchy,
} from '@mnc/pki-core';
import { syntheticApplicant } from '@mnc/synthetic';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { personalisationBundleFixture } from '@mnc/testing';
import { QualityAssuranceError } from './errors';
import { personalisationInputFromBundle, type PersonalisationInput } from './input';
import {
  checkCertificateChain,
  checkCertificateKey,
  checkFileContent,
  checkLiveSignature,
  checkTextApSignature,
  checkVisualApSignatures,
  qaTrustFromPublishedCas,
  type QaTrust,
} from './qa-checks';

const photo = { hash: `sha256:${'0'.repeat(64)}`, size: 1, mediaType: 'image/jpeg' };
const flip = (bytes: Uint8Array, at: number) => {
  const copy = Uint8Array.from(bytes);
  copy[at] ^= 0x01;
  return copy;
};
const qaError = (work: () => void): QualityAssuranceError => {
  try {
    work();
  } catch (error) {
    if (error instanceof QualityAssuranceError) return error;
    throw error;
  }
  throw new Error('expected a QA failure');
};

describe('checkFileContent', () => {
  it('passes equal bytes and reports a difference by hash, never by content', () => {
    const file = Buffer.from('FF100C123456789012FFFF', 'hex');
    expect(() => checkFileContent('text EF 0001', file, Uint8Array.from(file))).not.toThrow();
    const error = qaError(() => checkFileContent('text EF 0001', file, flip(file, 4)));
    expect(error).toMatchObject({ check: 'file-content', subject: 'text EF 0001' });
    expect(error.message).not.toContain('123456789012');
  });

  it('fails a file that reads back shorter', () => {
    const file = Buffer.from('0102030405', 'hex');
    expect(qaError(() => checkFileContent('x', file, file.subarray(0, 4))).message).toContain('4 bytes');
  });
});

describe.each(['next-gen', 'legacy-rsa2048'] as const)('AP data signatures (%s)', (cardProfile) => {
  let input: PersonalisationInput;
  let trust: QaTrust;
  beforeAll(async () => {
    const bundle = await personalisationBundleFixture({
      applicant: syntheticApplicant(11),
      photo,
      cardProfile,
    });
    input = personalisationInputFromBundle(bundle, {
      applicationId: 'x',
      chosenPins: { userAuthenticationPin: '1234', signaturePassword: 'PASS1234' },
    });
    trust = { roots: [], issuingCas: [], apDataSigners: input.apSignatures.map((s) => s.signerCertificate) };
  });
  const text = (overrides: Partial<Record<'myNumber' | 'fourFacts' | 'signature', Uint8Array>> = {}) => ({
    myNumber: input.files.text.get(TEXT_FID.MY_NUMBER)!,
    fourFacts: input.files.text.get(TEXT_FID.FOUR_FACTS)!,
    signature: input.files.text.get(TEXT_FID.SIGNATURE)!,
    ...overrides,
  });
  const visual = (overrides: Partial<Record<'face' | 'back', Uint8Array>> = {}) => ({
    face: input.files.visual.get(VISUAL_FID.CARD_FACE)!,
    back: input.files.visual.get(VISUAL_FID.MY_NUMBER_IMAGE)!,
    ...overrides,
  });

  it('verify for the files as issued', () => {
    expect(() => checkTextApSignature(text(), input.apSignatures, trust)).not.toThrow();
    expect(() => checkVisualApSignatures(visual(), input.apSignatures, trust)).not.toThrow();
  });

  it('fail when the my number or a fact changed (hash) or the signature changed', () => {
    const myNumber = text().myNumber;
    expect(
      qaError(() => checkTextApSignature(text({ myNumber: flip(myNumber, 5) }), input.apSignatures, trust))
        .message,
    ).toContain('DF31');
    const facts = text().fourFacts;
    expect(
      qaError(() =>
        checkTextApSignature(text({ fourFacts: flip(facts, facts.length - 1) }), input.apSignatures, trust),
      ).message,
    ).toContain('DF32');
    const signature = text().signature;
    expect(
      qaError(() =>
        checkTextApSignature(
          text({ signature: flip(signature, signature.length - 3) }),
          input.apSignatures,
          trust,
        ),
      ),
    ).toMatchObject({ check: 'ap-signature', subject: 'text-0003-DF33' });
  });

  it('fail when an image on the face or the back changed', () => {
    const face = visual().face;
    expect(
      qaError(() =>
        checkVisualApSignatures(visual({ face: flip(face, face.length - 1) }), input.apSignatures, trust),
      ),
    ).toMatchObject({ subject: 'visual-0002-DF28' });
    const back = visual().back;
    expect(
      qaError(() => checkVisualApSignatures(visual({ back: flip(back, 8) }), input.apSignatures, trust)),
    ).toMatchObject({ subject: 'visual-0005-DF43' });
  });

  it('fail when the signer is not one the CA publishes', () => {
    const unpublished = { ...trust, apDataSigners: [] };
    expect(qaError(() => checkTextApSignature(text(), input.apSignatures, unpublished)).reason).toContain(
      'published',
    );
  });
});

describe('certificates', () => {
  let p256: CaHierarchy;
  let p384: CaHierarchy;
  const now = new Date();
  const points = { baseUrl: 'http://pki.test/' };
  const cardKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = (key: ReturnType<typeof cardKey>) =>
    new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' }));
  const issue = (hierarchy: CaHierarchy, key: ReturnType<typeof cardKey>) =>
    issueCardCertificate(
      hierarchy.issuing['card-authentication'],
      {
        purpose: 'card-authentication',
        cardProfile: 'next-gen',
        cardNumber: 'CARD0001',
        publicKey: spki(key),
        serialNumber: randomSerialNumber(),
        notBefore: now,
      },
      points,
    );
  const trustOf = (hierarchy: CaHierarchy): QaTrust => ({
    roots: [hierarchy.root.certificate],
    issuingCas: Object.values(hierarchy.issuing).map((ca) => ca.certificate),
    apDataSigners: [hierarchy.apDataSigner.certificate],
  });
  beforeAll(async () => {
    p256 = await createSoftwareHierarchy('ecdsa-p256-sha256', points, new Date(now.getTime() - 60_000));
    p384 = await createSoftwareHierarchy('ecdsa-p384-sha384', points, new Date(now.getTime() - 60_000));
  });

  it('a card certificate chains to the root through its issuing CA, on the card or published', async () => {
    const certificate = await issue(p256, cardKey());
    const issuing = p256.issuing['card-authentication'].certificate;
    expect(() =>
      checkCertificateChain('c', certificate, [issuing], { ...trustOf(p256), issuingCas: [] }, now),
    ).not.toThrow();
    expect(() => checkCertificateChain('c', certificate, [], trustOf(p256), now)).not.toThrow();
  });

  it('fails without the issuing CA, under another root, or outside its validity', async () => {
    const certificate = await issue(p256, cardKey());
    expect(
      qaError(() => checkCertificateChain('c', certificate, [], { ...trustOf(p256), issuingCas: [] }, now))
        .check,
    ).toBe('certificate-chain');
    expect(qaError(() => checkCertificateChain('c', certificate, [], trustOf(p384), now)).reason).toContain(
      'no trusted issuer',
    );
    const later = new Date(now.getTime() + 30 * 365 * 86_400_000);
    expect(qaError(() => checkCertificateChain('c', certificate, [], trustOf(p256), later)).reason).toContain(
      'not valid now',
    );
    expect(
      qaError(() =>
        checkCertificateChain('c', flip(certificate, certificate.length - 5), [], trustOf(p256), now),
      ).check,
    ).toBe('certificate-chain');
  });

  it('matches the certificate against the key the card reports and checks live signatures with it', async () => {
    const key = cardKey();
    const certificate = await issue(p256, key);
    expect(() => checkCertificateKey('c', certificate, spki(key))).not.toThrow();
    expect(qaError(() => checkCertificateKey('c', certificate, spki(cardKey()))).check).toBe(
      'certificate-key',
    );
    const data = Buffer.from('challenge');
    const signature = sign('sha256', data, key.privateKey);
    expect(() => checkLiveSignature('c', 'ecdsa-p256-sha256', certificate, data, signature)).not.toThrow();
    expect(
      qaError(() =>
        checkLiveSignature('c', 'ecdsa-p256-sha256', certificate, Buffer.from('other'), signature),
      ).check,
    ).toBe('live-signature');
  });

  it('sorts the published CA list by role', () => {
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    const trust = qaTrustFromPublishedCas([
      { role: 'root', certificate: b64(p256.root.certificate) },
      { role: 'jpki-signature', certificate: b64(p256.issuing['jpki-signature'].certificate) },
      { role: 'ap-data-signer', certificate: b64(p256.apDataSigner.certificate) },
    ]);
    expect([trust.roots.length, trust.issuingCas.length, trust.apDataSigners.length]).toEqual([1, 1, 1]);
    expect(Buffer.from(trust.apDataSigners[0]!).equals(Buffer.from(p256.apDataSigner.certificate))).toBe(
      true,
    );
  });
});
