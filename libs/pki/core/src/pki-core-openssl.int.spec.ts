import { sign } from 'node:crypto';
import {
  CARD_KEY_PURPOSES,
  createSoftwareHierarchy,
  issueCardCertificate,
  randomSerialNumber,
  serialHex,
  signCrl,
  verifySignature,
  type CaHierarchy,
  type CardProfile,
  type SignatureAlgorithm,
} from './index';
import { OpensslWorkspace, pem } from './openssl';
import { FICTIONAL_PERSON, simulatedCardKey } from './test-fixtures';

// Integration tier: an independent implementation (the openssl CLI) reads what this library writes.
const ALGORITHMS: readonly [SignatureAlgorithm, CardProfile][] = [
  ['ecdsa-p256-sha256', 'next-gen'],
  ['ecdsa-p384-sha384', 'next-gen'],
  ['rsa2048-sha256', 'legacy-rsa2048'],
];
const points = { baseUrl: 'http://pki.test/' };
const now = new Date();
const ws = new OpensslWorkspace();
const hierarchies = new Map<SignatureAlgorithm, CaHierarchy>();

beforeAll(async () => {
  for (const [algorithm] of ALGORITHMS)
    hierarchies.set(algorithm, await createSoftwareHierarchy(algorithm, points, now));
});

async function cardCertificate(
  algorithm: SignatureAlgorithm,
  profile: CardProfile,
  purpose: (typeof CARD_KEY_PURPOSES)[number],
) {
  const h = hierarchies.get(algorithm)!;
  const key = simulatedCardKey(algorithm);
  const der = await issueCardCertificate(
    h.issuing[purpose],
    {
      purpose,
      cardProfile: profile,
      cardNumber: 'A00000000017',
      publicKey: key.publicKey,
      ...(purpose === 'jpki-signature' ? { subject: FICTIONAL_PERSON } : {}),
      serialNumber: randomSerialNumber(),
      notBefore: now,
    },
    points,
  );
  return { der, key };
}

describe.each(ALGORITHMS)('openssl reads the %s hierarchy', (algorithm, profile) => {
  it.each(CARD_KEY_PURPOSES)('verifies the chain of a %s certificate', async (purpose) => {
    const h = hierarchies.get(algorithm)!;
    const { der } = await cardCertificate(algorithm, profile, purpose);
    const tag = `${algorithm}-${purpose}`;
    const root = ws.file(`${tag}-root.pem`, pem('CERTIFICATE', h.root.certificate));
    const issuing = ws.file(`${tag}-ca.pem`, pem('CERTIFICATE', h.issuing[purpose].certificate));
    const leaf = ws.file(`${tag}-leaf.pem`, pem('CERTIFICATE', der));
    expect(ws.run(['verify', '-x509_strict', '-CAfile', root, '-untrusted', issuing, leaf])).toContain(
      ': OK',
    );
    // The wrong root does not verify it.
    const otherFamily = ALGORITHMS.find(([a]) => a !== algorithm)![0];
    const wrongRoot = ws.file(
      `${tag}-wrong-root.pem`,
      pem('CERTIFICATE', hierarchies.get(otherFamily)!.root.certificate),
    );
    expect(ws.attempt(['verify', '-CAfile', wrongRoot, '-untrusted', issuing, leaf]).ok).toBe(false);
    const text = ws.run(['x509', '-in', leaf, '-noout', '-text']);
    expect(text).toContain(`URI:http://pki.test/v1/crl/${h.issuing[purpose].id}.crl`);
    expect(text).toContain('OCSP - URI:http://pki.test/v1/ocsp');
    expect(text).toContain('Digital Signature');
  });

  it('parses CRLs of every reason, with the death entry and its extension visible', async () => {
    const h = hierarchies.get(algorithm)!;
    const issuer = h.issuing['jpki-signature'];
    const entries = [
      { serialNumber: randomSerialNumber(), revokedAt: now, reason: 'keyCompromise' as const },
      {
        serialNumber: randomSerialNumber(),
        revokedAt: now,
        reason: 'affiliationChanged' as const,
        subReason: 'death' as const,
      },
      {
        serialNumber: randomSerialNumber(),
        revokedAt: now,
        reason: 'affiliationChanged' as const,
        subReason: 'emigration' as const,
      },
      { serialNumber: randomSerialNumber(), revokedAt: now, reason: 'certificateHold' as const },
      { serialNumber: randomSerialNumber(), revokedAt: now, reason: 'superseded' as const },
      { serialNumber: randomSerialNumber(), revokedAt: now, reason: 'cessationOfOperation' as const },
    ];
    const crl = await signCrl({
      issuer,
      crlNumber: 42,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 3_600_000),
      entries,
    });
    const file = ws.file(`${algorithm}.crl.pem`, pem('X509 CRL', crl));
    const caFile = ws.file(`${algorithm}-sig-ca.pem`, pem('CERTIFICATE', issuer.certificate));
    const text = ws.run(['crl', '-in', file, '-noout', '-text', '-CAfile', caFile]);
    expect(ws.attempt(['crl', '-in', file, '-noout', '-CAfile', caFile]).output).toContain('verify OK');
    expect(text).toContain('X509v3 CRL Number: \n                42');
    const blocks = text.split('Serial Number: ').slice(1);
    const block = (serial: Uint8Array) => blocks.find((b) => b.toLowerCase().startsWith(serialHex(serial)))!;
    expect(block(entries[0]!.serialNumber)).toContain('Key Compromise');
    expect(block(entries[1]!.serialNumber)).toContain('Affiliation Changed');
    // The sub-reason extension under the (example) project arc; openssl shows its IA5String keyword.
    expect(block(entries[1]!.serialNumber)).toMatch(/1\.3\.6\.1\.4\.1\.32473\.2\.1: \n\s+\.\.death/);
    expect(block(entries[2]!.serialNumber)).toMatch(/1\.3\.6\.1\.4\.1\.32473\.2\.1: \n\s+\.\s*\.?emigration/);
    expect(block(entries[0]!.serialNumber)).not.toContain('32473');
    expect(block(entries[3]!.serialNumber)).toContain('Certificate Hold');
    expect(block(entries[4]!.serialNumber)).toContain('Superseded');
    expect(block(entries[5]!.serialNumber)).toContain('Cessation Of Operation');
  });
});

it('verifies a legacy RSA and a next-gen ECDSA signature certificate of the same person side by side', async () => {
  const legacy = await cardCertificate('rsa2048-sha256', 'legacy-rsa2048', 'jpki-signature');
  const nextGen = await cardCertificate('ecdsa-p256-sha256', 'next-gen', 'jpki-signature');
  const roots = ws.file(
    'both-roots.pem',
    pem('CERTIFICATE', hierarchies.get('rsa2048-sha256')!.root.certificate) +
      pem('CERTIFICATE', hierarchies.get('ecdsa-p256-sha256')!.root.certificate),
  );
  const cas = ws.file(
    'both-cas.pem',
    pem('CERTIFICATE', hierarchies.get('rsa2048-sha256')!.issuing['jpki-signature'].certificate) +
      pem('CERTIFICATE', hierarchies.get('ecdsa-p256-sha256')!.issuing['jpki-signature'].certificate),
  );
  const legacyFile = ws.file('legacy.pem', pem('CERTIFICATE', legacy.der));
  const nextGenFile = ws.file('next-gen.pem', pem('CERTIFICATE', nextGen.der));
  const out = ws.run(['verify', '-CAfile', roots, '-untrusted', cas, legacyFile, nextGenFile]);
  expect(out).toContain(`${legacyFile}: OK`);
  expect(out).toContain(`${nextGenFile}: OK`);
  const subjectOf = (file: string) =>
    ws.run(['x509', '-in', file, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus']);
  expect(subjectOf(legacyFile)).toBe(subjectOf(nextGenFile));
  expect(ws.run(['x509', '-in', legacyFile, '-noout', '-text'])).toContain('sha256WithRSAEncryption');
  expect(ws.run(['x509', '-in', nextGenFile, '-noout', '-text'])).toContain('ecdsa-with-SHA256');
  // Both card keys sign the same document; each signature verifies with its own certificate's key.
  const document = Buffer.from('the same e-filing document');
  expect(
    verifySignature(
      'rsa2048-sha256',
      legacy.key.publicKey,
      document,
      sign('sha256', document, legacy.key.privateKey),
    ),
  ).toBe(true);
  expect(
    verifySignature(
      'ecdsa-p256-sha256',
      nextGen.key.publicKey,
      document,
      sign('sha256', document, nextGen.key.privateKey),
    ),
  ).toBe(true);
});
