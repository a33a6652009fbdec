import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, StagePublishers, type StagePublisher } from '@mnc/stage-runtime';
import type { TrackingUpdate } from './carrier';
import { ShipmentEntity } from './entities';

export class UnknownTrackingNumberError extends Error {
  override readonly name = 'UnknownTrackingNumberError';
}

/** Records carrier tracking updates; a delivery is recorded and announced once, however often it is reported. */
@Injectable()
export class TrackingService {
  private readonly publisher: StagePublisher;
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    publishers: StagePublishers,
  ) {
    this.publisher = publishers.forStage('delivery');
  }

  async record(update: TrackingUpdate): Promise<void> {
    if (update.status !== 'delivered') return; // other statuses arrive with the delivery issue's webhook
    const announced = await this.dataSource.transaction(async (manager) => {
      const shipment = await manager.findOne(ShipmentEntity, {
        where: { trackingNumber: update.trackingNumber },
        lock: { mode: 'pessimistic_write' },
      });
      if (!shipment)
        throw new UnknownTrackingNumberError(`no shipment with tracking number ${update.trackingNumber}`);
      if (shipment.status === 'delivered') return false;
      await manager.update(
        ShipmentEntity,
        { id: shipment.id },
        { status: 'delivered', deliveredAt: update.at },
      );
      await this.publisher.emit(
        manager,
        'card.delivered',
        {
          applicationId: shipment.applicationId,
          cardId: shipment.cardId,
          shipmentId: shipment.id,
          deliveredAt: update.at.toISOString(),
        },
        shipment.traceparent ? { traceparent: shipment.traceparent } : undefined,
      );
      return true;
    });
    if (announced) this.publisher.committed();
  }
}
