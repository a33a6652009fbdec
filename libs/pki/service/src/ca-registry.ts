import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { PipelineConfig } from '@mnc/config';
import {
  caHandleFromCertificate,
  caIdOf,
  CA_PURPOSES,
  issueApDataSignerCertificate,
  issueIssuingCaCertificate,
  issueRootCertificate,
  SIGNATURE_ALGORITHMS,
  type CaHandle,
  type CaPurpose,
  type CaRole,
  type PublicationPoints,
  type SignatureAlgorithm,
} from '@mnc/pki-core';
import { DATA_SOURCE, LOGGER, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import { CaKeyEntity } from './entities';
import { CaKeyBackends } from './key-backends';

export interface LoadedCa extends CaHandle {
  readonly role: CaRole;
  readonly certificate: Uint8Array;
  /** The certificates above this one up to the root (issuing CA first), DER. */
  readonly chain: readonly Uint8Array[];
}

/** Bootstrap order: a CA's issuer always exists before it. */
const ROLES: readonly CaRole[] = ['root', ...CA_PURPOSES, 'ap-data-signer'];

/**
 * The CA hierarchy of this service: for each algorithm family a root, the four issuing CAs and the AP data
 * signer. Created on first start inside one transaction under an advisory lock, so instances starting
 * together create it once and the others load it; loaded into memory (signers included) on every start.
 */
@Injectable()
export class CaRegistry implements OnModuleInit {
  private readonly byId = new Map<string, LoadedCa>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly backends: CaKeyBackends,
  ) {}

  get points(): PublicationPoints {
    return { baseUrl: this.config.pki.publicUrl };
  }

  async onModuleInit(): Promise<void> {
    const created = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['pki:ca-bootstrap']);
      const rows = await manager.find(CaKeyEntity);
      const existing = new Map(rows.map((row) => [row.id, row]));
      const made: string[] = [];
      const now = new Date();
      for (const algorithm of SIGNATURE_ALGORITHMS) {
        for (const role of ROLES) {
          const id = caIdOf(algorithm, role);
          if (existing.has(id)) continue;
          const key = this.backends.create(id, algorithm);
          const issuerRow = role === 'root' ? undefined : existing.get(caIdOf(algorithm, issuerRole(role)));
          const issuer = issuerRow
            ? caHandleFromCertificate(issuerRow.id, this.backends.open(issuerRow), issuerRow.certificate)
            : undefined;
          const certificate =
            role === 'root'
              ? await issueRootCertificate(key.signer, now)
              : role === 'ap-data-signer'
                ? await issueApDataSignerCertificate(issuer!, key.signer.publicKey, this.points, now)
                : await issueIssuingCaCertificate(issuer!, role, key.signer.publicKey, this.points, now);
          const row = manager.create(CaKeyEntity, {
            id,
            algorithm,
            role,
            backend: key.backend,
            sealedPrivateKey: key.sealedPrivateKey,
            pkcs11Label: key.pkcs11Label,
            certificate: Buffer.from(certificate),
            createdAt: now,
          });
          await manager.insert(CaKeyEntity, row);
          existing.set(id, row);
          made.push(id);
        }
      }
      return made;
    });
    if (created.length > 0) this.logger.info({ created }, 'CA hierarchy created');
    await this.load();
  }

  private async load(): Promise<void> {
    const rows = await this.dataSource.getRepository(CaKeyEntity).find();
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const row of rows) {
      const chain: Uint8Array[] = [];
      let role = row.role as CaRole;
      while (role !== 'root') {
        role = issuerRole(role);
        chain.push(new Uint8Array(byId.get(caIdOf(row.algorithm as SignatureAlgorithm, role))!.certificate));
      }
      const handle = caHandleFromCertificate(row.id, this.backends.open(row), row.certificate);
      this.byId.set(row.id, {
        ...handle,
        role: row.role as CaRole,
        certificate: new Uint8Array(row.certificate),
        chain,
      });
    }
  }

  get(id: string): LoadedCa | undefined {
    return this.byId.get(id);
  }

  issuing(algorithm: SignatureAlgorithm, purpose: CaPurpose): LoadedCa {
    return this.byId.get(caIdOf(algorithm, purpose))!;
  }

  apDataSigner(algorithm: SignatureAlgorithm): LoadedCa {
    return this.byId.get(caIdOf(algorithm, 'ap-data-signer'))!;
  }

  all(): readonly LoadedCa[] {
    return [...this.byId.values()];
  }

  /** The CAs that publish CRLs and answer OCSP: roots and issuing CAs (not the AP data signer). */
  crlIssuers(): readonly LoadedCa[] {
    return this.all().filter((ca) => ca.role !== 'ap-data-signer');
  }
}

function issuerRole(role: CaRole): CaRole {
  return role === 'ap-data-signer' ? 'ap-data-signing' : 'root';
}
