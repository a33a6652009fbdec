import type { SoftwareApDataSigner } from '@mnc/domain-issuance';
import type { CertificateAuthority, SignApDataRequest } from '@mnc/pki-client';

/** A CA that signs with software keys and records what it was asked: the adapter's other side. */
export function softwareCa(
  software: SoftwareApDataSigner,
  requests: SignApDataRequest[] = [],
): CertificateAuthority {
  const unused = () => Promise.reject(new Error('not used here'));
  return {
    signApData: async (request) => {
      requests.push(request);
      const result = await software.sign(Buffer.from(request.data, 'base64'), request.cardProfile, 'text');
      return {
        algorithm: request.cardProfile === 'next-gen' ? 'ecdsa-p256-sha256' : 'rsa2048-sha256',
        signature: result.signature.toString('base64'),
        signerCertificate: result.signerCertificate.toString('base64'),
        chain: [],
      };
    },
    issueCertificate: unused,
    revoke: unused,
    hold: unused,
    releaseHold: unused,
    cardStatus: unused,
    publishedCas: unused,
  };
}
