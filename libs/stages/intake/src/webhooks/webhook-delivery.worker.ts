import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { EnvelopeCipher } from '@mnc/secure-store';
import { DATA_SOURCE, ENVELOPE_CIPHER, LOGGER, type StageWorker } from '@mnc/stage-runtime';
import { MAX_WEBHOOK_ATTEMPTS, SIGNATURE_HEADERS, signWebhook, webhookBackoffMs } from './signature';
import { secretContext } from './webhooks.service';

interface DueDelivery {
  id: string;
  webhook_id: string;
  url: string;
  secret: Buffer;
  payload: Record<string, unknown>;
  attempts: number;
}

/** How long a claimed delivery stays with this process before another may try it (a crash mid-send). */
const LEASE_SECONDS = 60;
const POLL_MS = 1000;
const BATCH = 20;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends pending webhook deliveries. The queue is the `webhook_deliveries` table, so what is pending survives
 * a restart; a claimed row carries a lease (its next attempt time pushed ahead), so several intake
 * processes never send one delivery at the same time, and a crash mid-send only delays it.
 */
@Injectable()
export class WebhookDeliveryWorker implements StageWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ENVELOPE_CIPHER) private readonly cipher: EnvelopeCipher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'webhook delivery round failed; retrying'),
        )
        .finally(() => this.schedule());
    }, POLL_MS);
    this.timer.unref();
  }

  /** One round: claim what is due, send each, record the outcome. Returns the number sent. */
  async runOnce(): Promise<number> {
    const due = (await this.dataSource.query(
      `UPDATE intake.webhook_deliveries d
          SET next_attempt_at = now() + make_interval(secs => $1)
         FROM intake.webhooks w
        WHERE d.webhook_id = w.id
          AND d.id IN (SELECT id FROM intake.webhook_deliveries
                        WHERE state = 'pending' AND next_attempt_at <= now()
                        ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING d.id, d.webhook_id, w.url, w.secret, d.payload, d.attempts`,
      [LEASE_SECONDS, BATCH],
    )) as [DueDelivery[], number] | DueDelivery[];
    const rows = (Array.isArray(due[0]) ? due[0] : due) as DueDelivery[];
    await Promise.all(rows.map((row) => this.send(row)));
    return rows.length;
  }

  private async send(delivery: DueDelivery): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const secret = this.cipher.decrypt(delivery.secret, secretContext(delivery.webhook_id)).toString('utf8');
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADERS.id]: delivery.id,
          [SIGNATURE_HEADERS.timestamp]: String(timestamp),
          [SIGNATURE_HEADERS.signature]: signWebhook(secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (failure) {
      error = failure instanceof Error ? failure.name : 'request failed';
    }
    const attempts = delivery.attempts + 1;
    const delivered = status !== null && status >= 200 && status < 300;
    const state = delivered ? 'delivered' : attempts >= MAX_WEBHOOK_ATTEMPTS ? 'failed' : 'pending';
    await this.dataSource.query(
      `UPDATE intake.webhook_deliveries
          SET state = $2, attempts = $3, last_status = $4, last_error = $5,
              next_attempt_at = now() + make_interval(secs => $6),
              delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE NULL END
        WHERE id = $1`,
      [
        delivery.id,
        state,
        attempts,
        status,
        error ?? (delivered ? null : `HTTP ${status}`),
        webhookBackoffMs(attempts) / 1000,
      ],
    );
  }
}
