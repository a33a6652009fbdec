import type { EntityManager } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import type { ApplicationStatus } from './application-status';
import {
  type ApplicationEntity,
  TimelineEntryEntity,
  WebhookDeliveryEntity,
  WebhookEntity,
} from './entities';

export interface TimelineEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly source: string;
  readonly occurredAt: Date;
}

/** What a webhook receives for a status change: ids and states, never personal data. */
export interface StatusChangedPayload {
  readonly type: 'application.status-changed';
  readonly deliveryId: string;
  readonly applicationId: string;
  readonly municipalityCode: string;
  readonly previousStatus: ApplicationStatus;
  readonly status: ApplicationStatus;
  readonly eventId: string;
  readonly eventType: string;
  readonly occurredAt: string;
}

/**
 * In the caller's transaction: the timeline entry, and when the status moved, the status itself and one
 * pending delivery per webhook registered for the application's municipality. The webhook worker sends
 * them after the commit, so a delivery exists if and only if the change does.
 */
export async function recordApplicationEvent(
  manager: EntityManager,
  application: ApplicationEntity,
  event: TimelineEvent,
  nextStatus: ApplicationStatus,
): Promise<void> {
  await manager.insert(TimelineEntryEntity, {
    applicationId: application.id,
    eventId: event.eventId,
    eventType: event.eventType,
    source: event.source,
    occurredAt: event.occurredAt,
  });
  const previousStatus = application.status;
  if (nextStatus === previousStatus) return;
  await manager.query('UPDATE intake.applications SET status = $2, updated_at = now() WHERE id = $1', [
    application.id,
    nextStatus,
  ]);
  const webhooks = await manager
    .createQueryBuilder(WebhookEntity, 'w')
    .where('w.disabled_at IS NULL')
    .andWhere('w.municipality_code IN (:...codes)', { codes: [application.municipalityCode, '*'] })
    .getMany();
  if (webhooks.length === 0) return;
  const now = new Date();
  const deliveries: Partial<WebhookDeliveryEntity>[] = webhooks.map((webhook) => {
    const deliveryId = uuidv7();
    const payload: StatusChangedPayload = {
      type: 'application.status-changed',
      deliveryId,
      applicationId: application.id,
      municipalityCode: application.municipalityCode,
      previousStatus,
      status: nextStatus,
      eventId: event.eventId,
      eventType: event.eventType,
      occurredAt: event.occurredAt.toISOString(),
    };
    return {
      id: deliveryId,
      webhookId: webhook.id,
      applicationId: application.id,
      eventId: event.eventId,
      payload: payload as unknown as Record<string, unknown>,
      state: 'pending' as const,
      attempts: 0,
      nextAttemptAt: now,
    };
  });
  // TypeORM's deep-partial type does not take a jsonb Record; the rows are complete entities.
  await manager.insert(WebhookDeliveryEntity, deliveries as never);
}
