import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { PipelineConfig } from '@mnc/config';
import { generateSoftwareKey, softwareSigner, type SignatureAlgorithm, type Signer } from '@mnc/pki-core';
import { Pkcs11Token } from '@mnc/pki-hsm';
import { ENVELOPE_CIPHER, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import type { EnvelopeCipher } from '@mnc/secure-store';
import type { CaKeyEntity } from './entities';

/** What a new CA key row stores about its key: sealed PKCS#8 or a token label. */
export interface NewCaKey {
  readonly signer: Signer;
  readonly backend: 'software' | 'pkcs11';
  readonly sealedPrivateKey: Buffer | null;
  readonly pkcs11Label: string | null;
}

const keyContext = (caId: string) => `pki:ca-key:${caId}`;

/**
 * Creates and opens CA keys. Software keys are PKCS#8, sealed with the master key (EnvelopeCipher, bound to
 * the CA id) and signed with @noble/curves (ECDSA) or node:crypto (RSA); PKCS#11 keys are generated inside
 * the configured token and never leave it. Each key row records its backend, so a database started with one
 * backend keeps working if the default changes.
 */
@Injectable()
export class CaKeyBackends implements OnModuleDestroy {
  private token?: Pkcs11Token;

  constructor(
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    @Inject(ENVELOPE_CIPHER) private readonly cipher: EnvelopeCipher,
  ) {}

  create(caId: string, algorithm: SignatureAlgorithm): NewCaKey {
    if (this.config.pki.signer === 'pkcs11') {
      const signer = this.pkcs11().generateKey(caId, algorithm);
      return { signer, backend: 'pkcs11', sealedPrivateKey: null, pkcs11Label: caId };
    }
    const pkcs8 = generateSoftwareKey(algorithm);
    try {
      return {
        signer: softwareSigner(algorithm, pkcs8),
        backend: 'software',
        sealedPrivateKey: this.cipher.encrypt(pkcs8, keyContext(caId)),
        pkcs11Label: null,
      };
    } finally {
      pkcs8.fill(0);
    }
  }

  open(row: CaKeyEntity): Signer {
    const algorithm = row.algorithm as SignatureAlgorithm;
    if (row.backend === 'pkcs11') return this.pkcs11().signer(row.pkcs11Label!, algorithm);
    const pkcs8 = this.cipher.decrypt(row.sealedPrivateKey!, keyContext(row.id));
    try {
      return softwareSigner(algorithm, pkcs8);
    } finally {
      pkcs8.fill(0);
    }
  }

  onModuleDestroy(): void {
    this.token?.close();
  }

  private pkcs11(): Pkcs11Token {
    if (!this.config.pki.pkcs11Pin) throw new Error('PKI_PKCS11_PIN is required for PKCS#11 CA keys');
    this.token ??= Pkcs11Token.open({
      module: this.config.pki.pkcs11Module,
      tokenLabel: this.config.pki.pkcs11TokenLabel,
      pin: this.config.pki.pkcs11Pin,
    });
    return this.token;
  }
}
