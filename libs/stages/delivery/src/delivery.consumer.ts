import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseApplicantRecord } from '@mnc/contracts';
import type { EventHandlers } from '@mnc/messaging';
import type { BlobStore } from '@mnc/secure-store';
import { currentTraceHeaders } from '@mnc/observability';
import { BLOB_STORE, japanDate, type StageConsumer } from '@mnc/stage-runtime';
import { CARRIER, UndeliverableAddressError, type Carrier, type CarrierShipment } from './carrier';
import { ShipmentEntity, WorkItemEntity } from './entities';

type Prepared = { readonly shipment: CarrierShipment } | { readonly undeliverable: string };

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
        prepare: async (event): Promise<Prepared> => {
          const applicant = parseApplicantRecord(await this.blobs.get(event.data.applicantRecord));
          const toResident = event.data.deliverTo === 'resident';
          try {
            const shipment = await this.carrier.createShipment({
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
            return { shipment };
          } catch (error) {
            if (error instanceof UndeliverableAddressError) return { undeliverable: error.code };
            throw error;
          }
        },
        apply: async (event, { manager, emit }, prepared: Prepared) => {
          if ('undeliverable' in prepared) {
            // Not into silence: an operator sees it in the work queue (one open item per application).
            await manager
              .createQueryBuilder()
              .insert()
              .into(WorkItemEntity)
              .values({
                id: randomUUID(),
                kind: 'undeliverable-address',
                applicationId: event.data.applicationId,
                cardId: event.data.cardId,
                trackingNumber: null,
                status: 'open',
                openedAt: new Date(),
              })
              .orIgnore()
              .execute();
            return;
          }
          const { shipment } = prepared;
          const dispatchedAt = new Date();
          const consignmentId =
            event.data.deliverTo === 'municipality'
              ? `${event.data.municipalityCode}-${japanDate(dispatchedAt)}`
              : null;
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
              consignmentId,
              dispatchedAt,
              traceparent: currentTraceHeaders().traceparent ?? event.traceparent ?? null,
            })
            .orIgnore()
            .returning(['id'])
            .execute();
          if (inserted.raw.length === 0) return; // this application already has its shipment
          if (consignmentId) {
            await manager.query(
              `INSERT INTO delivery.consignments (id, municipality_code, consigned_on, cards)
               VALUES ($1, $2, $3, 1) ON CONFLICT (id) DO UPDATE SET cards = delivery.consignments.cards + 1`,
              [consignmentId, event.data.municipalityCode, japanDate(dispatchedAt)],
            );
          }
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
