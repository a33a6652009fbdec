import { createPublicKey, verify } from 'node:crypto';
import {
  caHandleFromCertificate,
  createSoftwareHierarchy,
  issueCardCertificate,
  issueRootCertificate,
  issueIssuingCaCertificate,
  randomSerialNumber,
  ALGORITHMS,
  type SignatureAlgorithm,
} from '@mnc/pki-core';
import { OpensslWorkspace, pem, simulatedCardKey } from '@mnc/pki-core';
import { Pkcs11Token } from './pkcs11-token';
import { initSoftHsmToken, SOFTHSM_MODULE } from './softhsm';

// Integration tier: the real SoftHSM2 module through pkcs11js, and the openssl CLI as the verifier.
const PIN = '123456';
let token: Pkcs11Token;
const ws = new OpensslWorkspace();
const points = { baseUrl: 'http://pki.test/' };

beforeAll(() => {
  initSoftHsmToken('mnc-test', PIN);
  token = Pkcs11Token.open({ module: SOFTHSM_MODULE, tokenLabel: 'mnc-test', pin: PIN });
});
afterAll(() => token?.close());

describe.each(['ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa2048-sha256'] as const)(
  'a %s CA key inside SoftHSM2',
  (algorithm: SignatureAlgorithm) => {
    it('is generated sealed in the token, signs a chain, and openssl verifies it', async () => {
      const now = new Date();
      const rootSigner = token.generateKey(`${algorithm}-root`, algorithm);
      expect(token.keyIsSealed(`${algorithm}-root`)).toBe(true);
      const rootDer = await issueRootCertificate(rootSigner, now);
      const root = caHandleFromCertificate('root', rootSigner, rootDer);
      const issuingSigner = token.generateKey(`${algorithm}-card-auth`, algorithm);
      const issuingDer = await issueIssuingCaCertificate(
        root,
        'card-authentication',
        issuingSigner.publicKey,
        points,
        now,
      );
      const issuing = caHandleFromCertificate('issuing', issuingSigner, issuingDer);
      const card = simulatedCardKey(algorithm);
      const leaf = await issueCardCertificate(
        issuing,
        {
          purpose: 'card-authentication',
          cardProfile: algorithm === 'rsa2048-sha256' ? 'legacy-rsa2048' : 'next-gen',
          cardNumber: 'A00000000017',
          publicKey: card.publicKey,
          serialNumber: randomSerialNumber(),
          notBefore: now,
        },
        points,
      );
      const out = ws.run([
        'verify',
        '-x509_strict',
        '-CAfile',
        ws.file(`${algorithm}-root.pem`, pem('CERTIFICATE', rootDer)),
        '-untrusted',
        ws.file(`${algorithm}-ca.pem`, pem('CERTIFICATE', issuingDer)),
        ws.file(`${algorithm}-leaf.pem`, pem('CERTIFICATE', leaf)),
      ]);
      expect(out).toContain(': OK');

      // A raw signature from the token verifies with its public key; a flipped byte does not.
      const data = Buffer.from('signed inside the token');
      const signature = await rootSigner.sign(data);
      const key = createPublicKey({ key: Buffer.from(rootSigner.publicKey), format: 'der', type: 'spki' });
      const hash = ALGORITHMS[algorithm].hash;
      expect(verify(hash, data, key, signature)).toBe(true);
      data[0] ^= 1;
      expect(verify(hash, data, key, signature)).toBe(false);
    });
  },
);

it('finds a key again by label in a new session and refuses to generate over it', async () => {
  const again = Pkcs11Token.open({ module: SOFTHSM_MODULE, tokenLabel: 'mnc-test', pin: PIN });
  try {
    const signer = again.signer('ecdsa-p256-sha256-root', 'ecdsa-p256-sha256');
    expect(signer.backend).toBe('pkcs11');
    expect(() => again.generateKey('ecdsa-p256-sha256-root', 'ecdsa-p256-sha256')).toThrow(/already holds/);
  } finally {
    again.close();
  }
  // The software hierarchy is unaffected (sanity: both backends coexist in one process).
  expect((await createSoftwareHierarchy('ecdsa-p256-sha256', points, new Date())).root.signer.backend).toBe(
    'noble',
  );
});
