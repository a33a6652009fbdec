import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import type { EnvelopeCipher } from '@mnc/secure-store';
import { DATA_SOURCE, ENVELOPE_CIPHER, ProblemError } from '@mnc/stage-runtime';
import { type ApiClient, canActFor } from '../auth/api-client';
import { WebhookDeliveryEntity, WebhookEntity } from '../entities';

export const secretContext = (webhookId: string) => `intake.webhook-secret:${webhookId}`;

export function webhookView(webhook: WebhookEntity) {
  return {
    id: webhook.id,
    url: webhook.url,
    municipalityCode: webhook.municipalityCode,
    createdAt: webhook.createdAt.toISOString(),
    ...(webhook.disabledAt ? { disabledAt: webhook.disabledAt.toISOString() } : {}),
    links: { deliveries: `/v1/webhooks/${webhook.id}/deliveries` },
  };
}

export function deliveryView(delivery: WebhookDeliveryEntity) {
  return {
    id: delivery.id,
    applicationId: delivery.applicationId,
    eventId: delivery.eventId,
    state: delivery.state,
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    nextAttemptAt: delivery.state === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    payload: delivery.payload,
  };
}

/** Webhook registrations of municipal systems: each sees and changes only its own. */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ENVELOPE_CIPHER) private readonly cipher: EnvelopeCipher,
  ) {}

  /** Registers a webhook; the signing secret is in the answer once and stored sealed. */
  async register(client: ApiClient, url: string, municipalityCode: string) {
    if (
      !canActFor(client, municipalityCode) ||
      (municipalityCode === '*' && !client.municipalities.includes('*'))
    ) {
      throw new ProblemError(403, 'forbidden-municipality', 'Not your municipality', undefined, [
        {
          field: 'municipalityCode',
          code: 'OUT_OF_SCOPE',
          message: 'municipalityCode is not a municipality this client acts for',
        },
      ]);
    }
    const id = uuidv7();
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const webhook = Object.assign(new WebhookEntity(), {
      id,
      clientId: client.id,
      municipalityCode,
      url,
      secret: this.cipher.encrypt(secret, secretContext(id)),
      createdAt: new Date(),
      disabledAt: null,
    });
    await this.dataSource.manager.insert(WebhookEntity, webhook);
    return { ...webhookView(webhook), secret };
  }

  async list(client: ApiClient): Promise<WebhookEntity[]> {
    return this.dataSource.manager.find(WebhookEntity, {
      where: { clientId: client.id },
      order: { createdAt: 'ASC' },
    });
  }

  async own(client: ApiClient, id: string): Promise<WebhookEntity> {
    const webhook = await this.dataSource.manager.findOneBy(WebhookEntity, { id, clientId: client.id });
    if (!webhook) throw new ProblemError(404, 'not-found', 'Webhook not found', `No webhook ${id}.`);
    return webhook;
  }

  async disable(client: ApiClient, id: string): Promise<void> {
    await this.own(client, id);
    await this.dataSource.manager.update(WebhookEntity, { id }, { disabledAt: new Date() });
    // Nothing more goes to a disabled endpoint; the log keeps what was tried.
    await this.dataSource.manager.update(
      WebhookDeliveryEntity,
      { webhookId: id, state: 'pending' },
      { state: 'failed', lastError: 'webhook disabled' },
    );
  }

  async deliveries(client: ApiClient, id: string, limit: number): Promise<WebhookDeliveryEntity[]> {
    await this.own(client, id);
    return this.dataSource.manager.find(WebhookDeliveryEntity, {
      where: { webhookId: id },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }
}
