import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, StagePublishers, type StagePublisher } from '@mnc/stage-runtime';
import type { TrackingUpdate } from './carrier';
import { ShipmentEntity, TrackingEventEntity, WorkItemEntity } from './entities';

export class UnknownTrackingNumberError extends Error {
  override readonly name = 'UnknownTrackingNumberError';
  readonly code = 'UNKNOWN_TRACKING_NUMBER';
}

export class ReplayedTrackingEventError extends Error {
  override readonly name = 'ReplayedTrackingEventError';
  readonly code = 'REPLAYED_TRACKING_EVENT';
}

export type TrackingOutcome = 'recorded' | 'after-final-status';

/**
 * Records carrier tracking events. Each carrier event is accepted once (its id is the key); an unknown tracking
 * number or a replayed event is refused and the transaction keeps nothing. A shipment's delivery is recorded
 * and announced once; a return to sender opens an operator work item.
 */
@Injectable()
export class TrackingService {
  private readonly publisher: StagePublisher;
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    publishers: StagePublishers,
  ) {
    this.publisher = publishers.forStage('delivery');
  }

  async record(update: TrackingUpdate): Promise<TrackingOutcome> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<TrackingOutcome> => {
      const shipment = await manager.findOne(ShipmentEntity, {
        where: { trackingNumber: update.trackingNumber },
        lock: { mode: 'pessimistic_write' },
      });
      if (!shipment)
        throw new UnknownTrackingNumberError(`no shipment with tracking number ${update.trackingNumber}`);
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(TrackingEventEntity)
        .values({
          carrierEventId: update.eventId,
          trackingNumber: update.trackingNumber,
          status: update.status,
          at: update.at,
          receivedAt: new Date(),
        })
        .orIgnore()
        .returning(['carrierEventId'])
        .execute();
      if (inserted.raw.length === 0)
        throw new ReplayedTrackingEventError(`tracking event ${update.eventId} was already received`);
      // After delivery or return the parcel's story is over; later scans are kept as records only.
      if (shipment.status !== 'dispatched') return 'after-final-status';

      const trace = shipment.traceparent ? { traceparent: shipment.traceparent } : undefined;
      const changes: Partial<ShipmentEntity> = { lastTrackingStatus: update.status };
      if (update.status === 'delivered')
        Object.assign(changes, { status: 'delivered', deliveredAt: update.at });
      if (update.status === 'returned-to-sender') {
        changes.status = 'returned-to-sender';
        await manager.insert(WorkItemEntity, {
          id: randomUUID(),
          kind: 'returned-to-sender',
          applicationId: shipment.applicationId,
          cardId: shipment.cardId,
          trackingNumber: shipment.trackingNumber,
          status: 'open',
          resolution: null,
          resolvedBy: null,
          openedAt: new Date(),
          resolvedAt: null,
        });
      }
      await manager.update(ShipmentEntity, { id: shipment.id }, changes);
      await this.publisher.emit(
        manager,
        'shipment.tracking-updated',
        {
          applicationId: shipment.applicationId,
          cardId: shipment.cardId,
          shipmentId: shipment.id,
          trackingNumber: shipment.trackingNumber,
          status: update.status,
          at: update.at.toISOString(),
        },
        trace,
      );
      if (update.status === 'delivered') {
        await this.publisher.emit(
          manager,
          'card.delivered',
          {
            applicationId: shipment.applicationId,
            cardId: shipment.cardId,
            shipmentId: shipment.id,
            deliveredAt: update.at.toISOString(),
          },
          trace,
        );
      }
      return 'recorded';
    });
    this.publisher.committed();
    return outcome;
  }
}
