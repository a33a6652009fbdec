import { HttpCertificateAuthority } from './http-certificate-authority';
import type { CertificateAuthority } from './types';

export class CertificateAuthorityNotConfiguredError extends Error {
  override readonly name = 'CertificateAuthorityNotConfiguredError';
}

/**
 * The CA a stage talks to: the in-process one when the process hosts the pki stage (the embedded mode),
 * else the CA's HTTP API at PKI_URL. With neither the stage refuses to start: signing chip data or
 * certifying card keys with anything but the CA would make cards no verifier trusts.
 */
export function resolveCertificateAuthority(
  stage: string,
  inProcess: CertificateAuthority | undefined,
  pkiUrl: string | undefined,
): CertificateAuthority {
  if (inProcess) return inProcess;
  if (pkiUrl) return new HttpCertificateAuthority(pkiUrl);
  throw new CertificateAuthorityNotConfiguredError(
    `${stage} needs the CA: host the pki stage in the same process or set PKI_URL`,
  );
}
