import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseApplicantRecord } from '@mnc/contracts';
import type { EventHandlers } from '@mnc/messaging';
import type { BlobStore } from '@mnc/secure-store';
import { currentTraceHeaders } from '@mnc/observability';
import { BLOB_STORE, type StageConsumer } from '@mnc/stage-runtime';
import { CARRIER, type Carrier, type CarrierShipment } from './carrier';
import { ShipmentEntity } from './entities';

@Injectable()
export class DeliveryConsumer implements StageConsumer {
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(CARRIER) private readonly carrier: Carrier,
  ) {}

  handlers(): EventHandlers {
    return {
      'card.ready-for-dispatch': {
        // The carrier call is outside the transaction; keyed by application, a retry finds the same parcel.
        prepare: async (event): Promise<CarrierShipment> => {
          const applicant = parseApplicantRecord(await this.blobs.get(event.data.applicantRecord));
          const toResident = event.data.deliverTo === 'resident';
          return this.carrier.createShipment({
            idempotencyKey: event.data.applicationId,
            service: toResident ? 'restricted-delivery' : 'registered-consignment',
            recipient: toResident
              ? {
                  postalCode: applicant.address.postalCode,
                  addressLines: [
                    applicant.address.prefecture + applicant.address.municipality,
                    applicant.address.line,
                  ],
                  name: `${applicant.familyName}\u3000${applicant.givenName}`,
                }
              : {
                  postalCode: applicant.address.postalCode,
                  addressLines: [applicant.address.prefecture + applicant.address.municipality],
                  name: `${event.data.municipalityCode} 市区町村 交付窓口`,
                },
          });
        },
        apply: async (event, { manager, emit }, shipment: CarrierShipment) => {
          const dispatchedAt = new Date();
          const inserted = await manager
            .createQueryBuilder()
            .insert()
            .into(ShipmentEntity)
            .values({
              id: randomUUID(),
              applicationId: event.data.applicationId,
              cardId: event.data.cardId,
              carrier: this.carrier.name,
              trackingNumber: shipment.trackingNumber,
              status: 'dispatched',
              dispatchedAt,
              traceparent: currentTraceHeaders().traceparent ?? event.traceparent ?? null,
            })
            .orIgnore()
            .returning(['id'])
            .execute();
          if (inserted.raw.length === 0) return; // this application already has its shipment
          emit('card.dispatched', {
            applicationId: event.data.applicationId,
            cardId: event.data.cardId,
            shipmentId: (inserted.raw as { id: string }[])[0].id,
            carrier: this.carrier.name,
            trackingNumber: shipment.trackingNumber,
            dispatchedAt: dispatchedAt.toISOString(),
          });
        },
      },
    };
  }
}
