import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { RevocationSubReason, Rfc5280Reason } from '@mnc/domain-card-lifecycle';
import type { Logger } from 'pino';
import { backoffMs } from '@mnc/messaging';
import { DATA_SOURCE, LOGGER, type StageWorker } from '@mnc/stage-runtime';
import { CertificateRegisterEntity } from './entities';

/**
 * What pre-delivery needs of the certificate authority: hold, release and revoke every certificate of one card.
 * Calls must be idempotent (a change is sent again after a crash). `CERTIFICATE_STATUS` is bound to the CA
 * (CaCertificateStatus); changes wait in pre-delivery's certificate register until the CA took them.
 */
export interface CertificateStatusChange {
  readonly cardId: string;
  readonly action: 'hold' | 'release' | 'revoke';
  readonly reason: Rfc5280Reason;
  readonly subReason?: RevocationSubReason;
}

export interface CertificateStatusPort {
  apply(change: CertificateStatusChange): Promise<void>;
}

export const CERTIFICATE_STATUS = Symbol('CERTIFICATE_STATUS');

const STATUS_OF = { hold: 'held', release: 'active', revoke: 'revoked' } as const;
const ACTION_OF = { held: 'hold', active: 'release', revoked: 'revoke' } as const;

/**
 * Records the certificate status a card should have, in the transaction of the lifecycle change (an outbox
 * for the CA). A revocation is final: nothing moves a revoked card's certificates again.
 */
export async function recordCertificateStatus(
  manager: EntityManager,
  change: CertificateStatusChange,
): Promise<void> {
  await manager.query(
    `INSERT INTO pre_delivery.certificate_register (card_id, status, reason, sub_reason, version, sent_version, updated_at)
     VALUES ($1, $2, $3, $4, 1, 0, now())
     ON CONFLICT (card_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason,
       sub_reason = EXCLUDED.sub_reason, version = pre_delivery.certificate_register.version + 1, updated_at = now()
     WHERE pre_delivery.certificate_register.status <> 'revoked'`,
    [change.cardId, STATUS_OF[change.action], change.reason, change.subReason ?? null],
  );
}

/**
 * Sends recorded certificate status changes to the CA port, outside any transaction, a few times a second:
 * the latest status of each card whose register row changed since it was last sent. Without a bound port it
 * does nothing and says so once at startup.
 */
@Injectable()
export class CertificateStatusRelay implements StageWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(CERTIFICATE_STATUS) private readonly port?: CertificateStatusPort,
  ) {}

  async start(): Promise<void> {
    if (!this.port) {
      this.logger.warn(
        'no certificate authority bound to CERTIFICATE_STATUS: certificate holds and revocations stay in pre_delivery.certificate_register',
      );
      return;
    }
    const tick = async () => {
      try {
        while ((await this.sendPending()) > 0);
      } catch (error) {
        this.logger.warn({ err: error }, 'certificate status relay failed; retrying');
      } finally {
        if (this.timer) this.timer = setTimeout(() => (this.running = tick()), 250);
      }
    };
    this.timer = setTimeout(() => (this.running = tick()), 250);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Cards whose last send failed, with when to try again: one card the CA cannot take yet (its card number
   * not known here yet, a refusal) must not hold up every other card's hold or revocation.
   */
  private readonly retryAt = new Map<string, number>();

  /** Sends what changed; returns how many cards were brought up to date. */
  async sendPending(): Promise<number> {
    if (!this.port) return 0;
    const now = Date.now();
    for (const [cardId, at] of this.retryAt) if (at <= now) this.retryAt.delete(cardId);
    const waiting = [...this.retryAt.keys()];
    const query = this.dataSource.manager
      .createQueryBuilder(CertificateRegisterEntity, 'r')
      .where('r.sent_version < r.version');
    if (waiting.length > 0) query.andWhere('r.card_id NOT IN (:...waiting)', { waiting });
    const pending = await query.orderBy('r.updated_at').limit(100).getMany();
    let sent = 0;
    for (const row of pending) {
      try {
        await this.port.apply({
          cardId: row.cardId,
          action: ACTION_OF[row.status],
          reason: (row.reason ?? 'unspecified') as Rfc5280Reason,
          ...(row.subReason ? { subReason: row.subReason as RevocationSubReason } : {}),
        });
      } catch (error) {
        const attempts = (this.failures.get(row.cardId) ?? 0) + 1;
        this.failures.set(row.cardId, attempts);
        this.retryAt.set(row.cardId, Date.now() + backoffMs(attempts, 250, 30_000));
        this.logger.warn(
          { err: error, cardId: row.cardId, attempts },
          'certificate status not sent; retrying later',
        );
        continue;
      }
      this.failures.delete(row.cardId);
      // A change recorded meanwhile has a higher version and is sent on the next round.
      await this.dataSource.query(
        'UPDATE pre_delivery.certificate_register SET sent_version = $2 WHERE card_id = $1 AND sent_version < $2',
        [row.cardId, row.version],
      );
      sent++;
    }
    return sent;
  }

  /** Consecutive failed sends per card, for the backoff; cleared once the card is sent. */
  private readonly failures = new Map<string, number>();
}
