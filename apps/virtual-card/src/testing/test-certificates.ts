// A throwaway CA for integration tests: it certifies the public keys the card generated, so independent
// readers have real X.509 certificates to list and verify against. The project's CA comes from the PKI
// libraries; this one exists only inside a test run.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CardPublicKey, publicKeySpki } from '@mnc/card-profiles';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

export interface TestCa {
  readonly certificate: Uint8Array;
  issue(subject: string, key: CardPublicKey): Promise<Uint8Array>;
}

export async function createTestCa(name: string): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: RSA,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  let serial = 1;
  return {
    certificate: new Uint8Array(ca.rawData),
    async issue(subject, key) {
      serial += 1;
      const importAlgorithm =
        key.algorithm === 'rsa-2048'
          ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
          : { name: 'ECDSA', namedCurve: key.algorithm === 'ec-p256' ? 'P-256' : 'P-384' };
      const publicKey = await webcrypto.subtle.importKey('spki', publicKeySpki(key), importAlgorithm, true, [
        'verify',
      ]);
      const certificate = await x509.X509CertificateGenerator.create({
        serialNumber: serial.toString(16).padStart(2, '0'),
        subject: `CN=${subject}`,
        issuer: ca.subject,
        notBefore,
        notAfter,
        publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: RSA,
        extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
      });
      return new Uint8Array(certificate.rawData);
    },
  };
}
