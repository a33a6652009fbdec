import { Global, Module } from '@nestjs/common';
import { CERTIFICATE_AUTHORITY } from '@mnc/pki-client';
import { defineStage } from '@mnc/stage-runtime';
import { CaRegistry } from './ca-registry';
import { CrlPublisher } from './crl-publisher';
import { PKI_ENTITIES } from './entities';
import { CaKeyBackends } from './key-backends';
import { PkiInit1764300000000 } from './migrations';
import { OcspResponder } from './ocsp-responder';
import { PkiCertificateAuthority } from './pki-certificate-authority';
import { PkiController } from './pki.controller';
import { PublicationController } from './publication.controller';
import { RevocationsController } from './revocations.controller';

export { PkiCertificateAuthority } from './pki-certificate-authority';
export { CaRegistry } from './ca-registry';

/**
 * The certificate authority: CA hierarchy, issuance, AP data signatures, revocation, CRLs and OCSP.
 * Exports the in-process {@link CERTIFICATE_AUTHORITY} to every stage hosted in the same process (global).
 */
@Global()
@Module({
  controllers: [PkiController, PublicationController, RevocationsController],
  providers: [
    CaKeyBackends,
    CaRegistry,
    CrlPublisher,
    OcspResponder,
    PkiCertificateAuthority,
    { provide: CERTIFICATE_AUTHORITY, useExisting: PkiCertificateAuthority },
  ],
  exports: [CERTIFICATE_AUTHORITY, PkiCertificateAuthority, CrlPublisher],
})
export class PkiModule {}

export const pkiStage = defineStage({
  name: 'pki',
  store: { schema: 'pki', entities: PKI_ENTITIES, migrations: [PkiInit1764300000000] },
  module: PkiModule,
  workers: [CrlPublisher],
});
