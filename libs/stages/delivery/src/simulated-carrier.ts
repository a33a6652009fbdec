import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { PipelineConfig } from '@mnc/config';
import { DATA_SOURCE, PIPELINE_CONFIG, type StageWorker } from '@mnc/stage-runtime';
import type { Carrier, CarrierShipment, ShipmentRequest, TrackingUpdate } from './carrier';
import { SimulatedParcelEntity } from './entities';
import { TrackingService, UnknownTrackingNumberError } from './tracking.service';

/**
 * A carrier that exists only here: it accepts parcels (idempotently, by key), and after the configured
 * delay reports them delivered through the same tracking path a real carrier's webhook will use. Its
 * books are a table, so a restart resumes deliveries that were due; an update is marked sent only after
 * the tracking service has recorded it.
 */
@Injectable()
export class SimulatedCarrier implements Carrier, StageWorker {
  readonly name = 'simulated-post';
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    private readonly tracking: TrackingService,
  ) {}

  async createShipment(request: ShipmentRequest): Promise<CarrierShipment> {
    const trackingNumber = `SP${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e3)).padStart(3, '0')}JP`;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SimulatedParcelEntity)
      .values({
        trackingNumber,
        idempotencyKey: request.idempotencyKey,
        status: 'accepted',
        deliverAfter: new Date(Date.now() + this.config.carrierDeliveryDelayMs),
      })
      .orIgnore()
      .execute();
    const parcel = await this.dataSource.manager.findOneByOrFail(SimulatedParcelEntity, {
      idempotencyKey: request.idempotencyKey,
    });
    return { trackingNumber: parcel.trackingNumber };
  }

  async start(): Promise<void> {
    const tick = async () => {
      try {
        while ((await this.deliverDue()) > 0);
      } finally {
        if (this.timer) this.timer = setTimeout(() => (this.running = tick()), 100);
      }
    };
    this.timer = setTimeout(() => (this.running = tick()), 100);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Delivers parcels whose time has come; returns how many were recorded. */
  async deliverDue(): Promise<number> {
    const due = await this.dataSource.manager
      .createQueryBuilder(SimulatedParcelEntity, 'p')
      .where('NOT p.update_sent AND p.deliver_after <= now()')
      .orderBy('p.deliver_after')
      .limit(100)
      .getMany();
    let recorded = 0;
    for (const parcel of due) {
      const update: TrackingUpdate = {
        trackingNumber: parcel.trackingNumber,
        status: 'delivered',
        at: new Date(),
      };
      try {
        await this.tracking.record(update);
      } catch (error) {
        // The shipment row commits just after the parcel is accepted; report again on a later tick.
        if (error instanceof UnknownTrackingNumberError) continue;
        throw error;
      }
      recorded++;
      await this.dataSource.manager.update(
        SimulatedParcelEntity,
        { trackingNumber: parcel.trackingNumber },
        { status: 'delivered', updateSent: true },
      );
    }
    return recorded;
  }
}
