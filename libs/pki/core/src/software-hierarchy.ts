import type { SignatureAlgorithm } from './algorithms';
import {
  caHandleFromCertificate,
  caIdOf,
  issueApDataSignerCertificate,
  issueIssuingCaCertificate,
  issueRootCertificate,
  type CaHandle,
  type PublicationPoints,
} from './hierarchy';
import { CA_PURPOSES, type CaPurpose } from './profiles';
import { generateSoftwareKey, softwareSigner, type SoftwareEngine } from './signer';

export interface IssuedCa extends CaHandle {
  readonly certificate: Uint8Array;
}

/** One algorithm family's hierarchy: root, the four issuing CAs, and the AP data signer. */
export interface CaHierarchy {
  readonly algorithm: SignatureAlgorithm;
  readonly root: IssuedCa;
  readonly issuing: Readonly<Record<CaPurpose, IssuedCa>>;
  readonly apDataSigner: IssuedCa;
}

function issued(id: string, signer: CaHandle['signer'], certificate: Uint8Array): IssuedCa {
  return { ...caHandleFromCertificate(id, signer, certificate), certificate };
}

/**
 * A whole hierarchy with fresh software keys held in memory, for tests and benchmarks. The service builds
 * the same hierarchy with keys sealed in Postgres or generated inside a PKCS#11 token.
 */
export async function createSoftwareHierarchy(
  algorithm: SignatureAlgorithm,
  points: PublicationPoints,
  now: Date,
  engine: SoftwareEngine = 'noble',
): Promise<CaHierarchy> {
  const newSigner = () => softwareSigner(algorithm, generateSoftwareKey(algorithm), engine);
  const rootSigner = newSigner();
  const root = issued(caIdOf(algorithm, 'root'), rootSigner, await issueRootCertificate(rootSigner, now));
  const issuing = {} as Record<CaPurpose, IssuedCa>;
  for (const purpose of CA_PURPOSES) {
    const signer = newSigner();
    issuing[purpose] = issued(
      caIdOf(algorithm, purpose),
      signer,
      await issueIssuingCaCertificate(root, purpose, signer.publicKey, points, now),
    );
  }
  const signer = newSigner();
  const apDataSigner = issued(
    caIdOf(algorithm, 'ap-data-signer'),
    signer,
    await issueApDataSignerCertificate(issuing['ap-data-signing'], signer.publicKey, points, now),
  );
  return { algorithm, root, issuing, apDataSigner };
}
