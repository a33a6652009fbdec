import { PermanentFailure } from '@mnc/messaging';
import {
  PkiError,
  type ApDataLabel,
  type CertificateAuthority,
  type SignatureAlgorithm,
} from '@mnc/pki-client';
import type {
  ApDataSigner,
  ApSignature,
  ApSignatureAlgorithm,
  CardProfile,
  SignedApplication,
  SigningCard,
} from '@mnc/domain-issuance';

const ALGORITHMS: Record<SignatureAlgorithm, ApSignatureAlgorithm> = {
  'rsa2048-sha256': 'sha256WithRSAEncryption',
  'ecdsa-p256-sha256': 'ecdsa-with-SHA256',
  'ecdsa-p384-sha384': 'ecdsa-with-SHA384',
};
const LABELS: Record<SignedApplication, ApDataLabel> = { text: 'text-ap', visual: 'visual-ap' };

/**
 * AP data signatures from the certificate authority (in process or over HTTP): the AP data signing keys never
 * leave the CA's signer. The CA picks the profile's default algorithm (RSA-2048 legacy, P-256 next-gen).
 */
export class CaApDataSigner implements ApDataSigner {
  constructor(private readonly ca: CertificateAuthority) {}

  async sign(
    data: Buffer,
    profile: CardProfile,
    application: SignedApplication,
    card: SigningCard,
  ): Promise<ApSignature> {
    const result = await this.ca
      .signApData({
        applicationId: card.applicationId,
        cardNumber: card.cardNumber,
        cardProfile: profile,
        label: LABELS[application],
        data: data.toString('base64'),
      })
      .catch((error: unknown) => {
        // A refusal is the same on every retry: park it. An unreachable CA is retried.
        if (error instanceof PkiError && !error.retryable)
          throw new PermanentFailure(`CA_${error.code}`, error.message, { cause: error });
        throw error;
      });
    return {
      signature: Buffer.from(result.signature, 'base64'),
      algorithm: ALGORITHMS[result.algorithm],
      signerCertificate: Buffer.from(result.signerCertificate, 'base64'),
    };
  }
}
