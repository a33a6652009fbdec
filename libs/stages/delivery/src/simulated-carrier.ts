import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { PipelineConfig } from '@mnc/config';
import { DATA_SOURCE, PIPELINE_CONFIG, ProblemError, type StageWorker } from '@mnc/stage-runtime';
import {
  UndeliverableAddressError,
  type Carrier,
  type CarrierShipment,
  type ShipmentRequest,
  type TrackingStatus,
} from './carrier';
import { SimulatedParcelEntity } from './entities';
import { TrackingWebhookController } from './tracking-webhook.controller';
import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature';

/** Test hooks of the simulated carrier, recognised in the recipient's address (synthetic data only). */
export const SIMULATED_UNDELIVERABLE_POSTAL_CODE = '0000000';
export const SIMULATED_ADDRESS_UNKNOWN_MARK = '宛所不明';

const JOURNEYS: { readonly [O in SimulatedParcelEntity['outcome']]: readonly TrackingStatus[] } = {
  deliver: ['accepted', 'in-transit', 'delivered'],
  return: ['accepted', 'in-transit', 'delivery-attempted', 'returned-to-sender'],
};

/**
 * A carrier that exists only here. It accepts parcels (idempotently, by key) and after the configured delay
 * reports each step of their journey as a signed webhook through the same handler a real carrier's HTTP
 * webhook reaches, signature check included. Its books are a table, so a restart resumes where it stopped;
 * a step is marked sent only after the webhook accepted it (or refused it as a replay: already recorded).
 * A recipient with postal code 0000000 is refused as undeliverable; an address line holding 宛所不明
 * (address unknown) is attempted and returned to sender.
 */
@Injectable()
export class SimulatedCarrier implements Carrier, StageWorker {
  readonly name = 'simulated-post';
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    private readonly webhook: TrackingWebhookController,
  ) {}

  async createShipment(request: ShipmentRequest): Promise<CarrierShipment> {
    if (request.recipient.postalCode === SIMULATED_UNDELIVERABLE_POSTAL_CODE)
      throw new UndeliverableAddressError('the carrier does not serve this address');
    const trackingNumber = `SP${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e3)).padStart(3, '0')}JP`;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SimulatedParcelEntity)
      .values({
        trackingNumber,
        idempotencyKey: request.idempotencyKey,
        status: 'created',
        outcome: request.recipient.addressLines.some((l) => l.includes(SIMULATED_ADDRESS_UNKNOWN_MARK))
          ? 'return'
          : 'deliver',
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

  /** Reports the journeys of parcels whose time has come; returns how many parcels finished theirs. */
  async deliverDue(): Promise<number> {
    const due = await this.dataSource.manager
      .createQueryBuilder(SimulatedParcelEntity, 'p')
      .where('NOT p.update_sent AND p.deliver_after <= now()')
      .orderBy('p.deliver_after')
      .limit(100)
      .getMany();
    let finished = 0;
    for (const parcel of due) {
      const journey = JOURNEYS[parcel.outcome];
      let step = parcel.status === 'created' ? 0 : journey.indexOf(parcel.status) + 1;
      for (; step < journey.length; step++) {
        if (!(await this.report(parcel.trackingNumber, journey[step]))) break;
        const last = step === journey.length - 1;
        await this.dataSource.manager.update(
          SimulatedParcelEntity,
          { trackingNumber: parcel.trackingNumber },
          { status: journey[step], updateSent: last },
        );
        if (last) finished++;
      }
    }
    return finished;
  }

  /** One signed webhook call; false when the shipment is not recorded yet (its row commits just after). */
  private async report(trackingNumber: string, status: TrackingStatus): Promise<boolean> {
    const body = {
      eventId: `${trackingNumber}:${status}`,
      trackingNumber,
      status,
      at: new Date().toISOString(),
    };
    const raw = Buffer.from(JSON.stringify(body));
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      await this.webhook.handle(
        raw,
        {
          [SIGNATURE_HEADER]: signWebhook(this.config.carrierWebhookSecret, timestamp, raw),
          [TIMESTAMP_HEADER]: String(timestamp),
        },
        JSON.parse(raw.toString()),
      );
      return true;
    } catch (error) {
      if (error instanceof ProblemError && error.problemType === 'replayed-tracking-event') return true;
      if (error instanceof ProblemError && error.problemType === 'unknown-tracking-number') return false;
      throw error;
    }
  }
}
