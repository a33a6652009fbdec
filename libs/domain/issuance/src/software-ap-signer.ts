import 'reflect-metadata';
import { webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;
import * as x509 from '@peculiar/x509';
import type {
  ApDataSigner,
  ApSignature,
  ApSignatureAlgorithm,
  SignedApplication,
  SigningCard,
} from './ap-signing';
import type { CardProfile } from './card-profile';

/**
 * AP data signing with keys held in this process: RSA-2048 (PKCS#1 v1.5, SHA-256) for legacy-rsa2048 and
 * ECDSA P-256 (SHA-256) for next-gen, each with a self-signed certificate. For tests, and for running the
 * pipeline before the CA's AP signing is wired in: nothing a verifier trusts chains to these keys.
 */
export class SoftwareApDataSigner implements ApDataSigner {
  private constructor(
    private readonly keys: Record<
      CardProfile,
      { key: CryptoKeyPair; certificate: Buffer; algorithm: ApSignatureAlgorithm }
    >,
  ) {}

  static async create(commonName = 'Software AP data signer (not trusted)'): Promise<SoftwareApDataSigner> {
    const crypto = webcrypto;
    x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const make = async (
      algorithm: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams,
      signing: Algorithm,
    ) => {
      const key = (await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as CryptoKeyPair;
      const certificate = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: Date.now().toString(16).padStart(16, '0'),
        name: `CN=${commonName}`,
        notBefore: new Date(Date.now() - 3600_000),
        notAfter: new Date(Date.now() + 365 * 86400_000),
        keys: key,
        signingAlgorithm: signing,
        extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
      });
      return { key, certificate: Buffer.from(certificate.rawData) };
    };
    const rsa = await make(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      { name: 'RSASSA-PKCS1-v1_5' },
    );
    const ec = await make({ name: 'ECDSA', namedCurve: 'P-256' }, {
      name: 'ECDSA',
      hash: 'SHA-256',
    } as Algorithm);
    return new SoftwareApDataSigner({
      'legacy-rsa2048': { ...rsa, algorithm: 'sha256WithRSAEncryption' },
      'next-gen': { ...ec, algorithm: 'ecdsa-with-SHA256' },
    });
  }

  async sign(
    data: Buffer,
    profile: CardProfile,
    _application: SignedApplication,
    _card?: SigningCard,
  ): Promise<ApSignature> {
    const { key, certificate, algorithm } = this.keys[profile];
    const subtle = webcrypto.subtle;
    const raw = Buffer.from(
      await subtle.sign(
        algorithm === 'sha256WithRSAEncryption'
          ? { name: 'RSASSA-PKCS1-v1_5' }
          : { name: 'ECDSA', hash: 'SHA-256' },
        key.privateKey,
        data,
      ),
    );
    // WebCrypto gives ECDSA as r||s; the project's AP signatures are DER, like X.509's.
    const signature = algorithm === 'sha256WithRSAEncryption' ? raw : ecdsaRawToDer(raw);
    return { signature, algorithm, signerCertificate: certificate };
  }
}

/** r||s (fixed-length halves) to the DER SEQUENCE { INTEGER r, INTEGER s }. */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  const half = raw.length / 2;
  const integer = (bytes: Buffer) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    let body = bytes.subarray(start);
    if ((body[0] as number) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const content = Buffer.concat([integer(raw.subarray(0, half)), integer(raw.subarray(half))]);
  const length = content.length < 0x80 ? Buffer.from([content.length]) : Buffer.from([0x81, content.length]);
  return Buffer.concat([Buffer.from([0x30]), length, content]);
}
