import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { PipelineConfig } from '@mnc/config';
import { signCrl, type RevocationReason, type RevocationSubReason } from '@mnc/pki-core';
import { DATA_SOURCE, LOGGER, PIPELINE_CONFIG, type StageWorker } from '@mnc/stage-runtime';
import { CaRegistry } from './ca-registry';
import { CrlEntity } from './entities';

const HOUR_MS = 3_600_000;
/** How often the publisher looks for CAs whose CRL is stale (a missed regeneration, or nextUpdate nearing). */
const SWEEP_MS = 5_000;

/**
 * Publishes one full CRL per CA. Every revocation, hold and release regenerates its CA's CRL right after
 * it commits; a sweep every few seconds catches anything missed (a crash between commit and regeneration)
 * and re-issues each CRL when half its validity has passed, so a CRL is never served past nextUpdate.
 * CRL numbers increase per CA under an advisory lock, whichever instance regenerates.
 */
@Injectable()
export class CrlPublisher implements StageWorker {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly registry: CaRegistry,
  ) {}

  async start(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'CRL sweep failed; retrying'))
        .finally(() => (this.sweeping = undefined));
    }, SWEEP_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Latest CRL of a CA, DER; created on demand if the CA has none yet. */
  async latest(caId: string): Promise<CrlEntity | null> {
    if (!this.registry.get(caId) || this.registry.get(caId)!.role === 'ap-data-signer') return null;
    const found = await this.latestRow(caId);
    if (found) return found;
    await this.regenerate(caId);
    return this.latestRow(caId);
  }

  /** Signs and stores a new CRL for `caId` from the current revocations and holds. */
  async regenerate(caId: string): Promise<void> {
    const ca = this.registry.get(caId);
    if (!ca) throw new Error(`unknown CA ${caId}`);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pki:crl:${caId}`]);
      const [{ next }] = (await manager.query(
        'SELECT COALESCE(MAX(crl_number), 0) + 1 AS next FROM pki.crls WHERE ca_id = $1',
        [caId],
      )) as { next: string }[];
      const revoked = (await manager.query(
        `SELECT serial_number, revoked_at, reason, sub_reason FROM pki.certificates
         WHERE ca_id = $1 AND state <> 'good' ORDER BY revoked_at, serial_number`,
        [caId],
      )) as { serial_number: string; revoked_at: Date; reason: string; sub_reason: string | null }[];
      const thisUpdate = new Date();
      const nextUpdate = new Date(thisUpdate.getTime() + this.config.pki.crlValidityHours * HOUR_MS);
      const der = await signCrl({
        issuer: ca,
        crlNumber: Number(next),
        thisUpdate,
        nextUpdate,
        entries: revoked.map((row) => ({
          serialNumber: new Uint8Array(Buffer.from(row.serial_number, 'hex')),
          revokedAt: row.revoked_at,
          reason: row.reason as RevocationReason,
          ...(row.sub_reason ? { subReason: row.sub_reason as RevocationSubReason } : {}),
        })),
      });
      await manager.insert(CrlEntity, {
        caId,
        crlNumber: next,
        thisUpdate,
        nextUpdate,
        der: Buffer.from(der),
      });
    });
  }

  private latestRow(caId: string): Promise<CrlEntity | null> {
    return this.dataSource
      .getRepository(CrlEntity)
      .findOne({ where: { caId }, order: { crlNumber: 'DESC' } });
  }

  private async sweep(): Promise<void> {
    const stale = (await this.dataSource.query(
      `SELECT ca.id FROM pki.ca_keys ca
       LEFT JOIN LATERAL (SELECT this_update, next_update FROM pki.crls WHERE ca_id = ca.id
                          ORDER BY crl_number DESC LIMIT 1) crl ON true
       WHERE ca.role <> 'ap-data-signer' AND (
         crl.this_update IS NULL
         OR crl.this_update + (crl.next_update - crl.this_update) / 2 < now()
         OR EXISTS (SELECT 1 FROM pki.certificates c WHERE c.ca_id = ca.id AND c.state_changed_at >= crl.this_update))`,
    )) as { id: string }[];
    for (const { id } of stale) if (this.registry.get(id)) await this.regenerate(id);
  }
}
