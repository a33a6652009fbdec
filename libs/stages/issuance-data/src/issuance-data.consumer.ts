import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventHandlers } from '@mnc/messaging';
import { cardNumberFor } from '@mnc/domain-issuance';
import {
  BlobMediaTypes,
  parseApplicantRecord,
  type BlobRef,
  type PersonalisationBundle,
} from '@mnc/contracts';
import type { BlobStore } from '@mnc/secure-store';
import type { DataSource } from 'typeorm';
import { BLOB_STORE, DATA_SOURCE, japanDate, type StageConsumer } from '@mnc/stage-runtime';
import { CardEntity } from './card.entity';
import { buildBundle } from './personalisation';

interface PreparedCard {
  readonly bundle: PersonalisationBundle;
  readonly bundleRef: BlobRef;
}

@Injectable()
export class IssuanceDataConsumer implements StageConsumer {
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  handlers(): EventHandlers {
    return {
      'photo.accepted': {
        // The card number comes from a sequence outside the transaction: a gap after a crash is harmless,
        // while decrypting and re-encrypting blobs stays out of the transaction that holds the inbox row.
        prepare: async (event): Promise<PreparedCard> => {
          const applicant = parseApplicantRecord(await this.blobs.get(event.data.applicantRecord));
          const [{ seq }] = (await this.dataSource.query(
            `SELECT nextval('issuance_data.card_number_seq')::text AS seq`,
          )) as { seq: string }[];
          const cardNumber = cardNumberFor(BigInt(seq));
          const bundle = buildBundle(
            applicant,
            event.data.photo,
            event.data.cardProfile,
            cardNumber,
            japanDate(),
          );
          const bundleRef = await this.blobs.put(Buffer.from(JSON.stringify(bundle)), {
            mediaType: BlobMediaTypes.personalisationBundle,
          });
          return { bundle, bundleRef };
        },
        apply: async (event, { manager, emit }, prepared: PreparedCard) => {
          const existing = await manager.findOneBy(CardEntity, { applicationId: event.data.applicationId });
          if (existing) return; // one card record per application, whatever arrives twice
          const card = manager.create(CardEntity, {
            id: randomUUID(),
            applicationId: event.data.applicationId,
            cardNumber: prepared.bundle.cardNumber,
            cardProfile: event.data.cardProfile,
            issuedOn: prepared.bundle.issuedOn,
            expiresOn: prepared.bundle.expiresOn,
            bundle: prepared.bundleRef,
          });
          await manager.insert(CardEntity, card);
          emit('issuance-data.generated', {
            applicationId: card.applicationId,
            route: event.data.route,
            cardProfile: card.cardProfile,
            municipalityCode: event.data.municipalityCode,
            applicantRecord: event.data.applicantRecord,
            cardId: card.id,
            cardNumber: card.cardNumber,
            issuedOn: card.issuedOn,
            expiresOn: card.expiresOn,
            bundle: prepared.bundleRef,
          });
        },
      },
    };
  }
}
