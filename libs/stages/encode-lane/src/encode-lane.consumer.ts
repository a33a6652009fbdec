import { Inject, Injectable } from '@nestjs/common';
import { parsePersonalisationBundle } from '@mnc/contracts';
import type { EventHandlers } from '@mnc/messaging';
import type { BlobStore } from '@mnc/secure-store';
import { BLOB_STORE, type StageConsumer } from '@mnc/stage-runtime';
import { CardAttemptEntity } from './attempt.entity';
import { LaneService, type EncodedCard } from './lane.service';

@Injectable()
export class EncodeLaneConsumer implements StageConsumer {
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly lane: LaneService,
  ) {}

  handlers(): EventHandlers {
    return {
      'issuance-data.generated': {
        // Card I/O happens outside any transaction; the result is recorded with the inbox claim.
        prepare: async (event): Promise<EncodedCard> => {
          const existing = await this.lane.encodedCardOf(event.data.applicationId);
          if (existing) return existing;
          const bundle = parsePersonalisationBundle(await this.blobs.get(event.data.bundle));
          return this.lane.encode(event.data.applicationId, event.data.cardId, bundle);
        },
        apply: async (event, { manager, emit }, card: EncodedCard) => {
          const finishedAt = new Date();
          const live = await manager.findOneBy(CardAttemptEntity, {
            applicationId: event.data.applicationId,
            status: 'encoded',
          });
          if (live) {
            // Another delivery of this application's event won the race: this card must never go live.
            if (live.id !== card.attemptId) {
              await manager.update(
                CardAttemptEntity,
                { id: card.attemptId, status: 'encoding' },
                { status: 'spoiled', spoilReason: 'duplicate-attempt', finishedAt },
              );
            }
            return;
          }
          const updated = await manager
            .createQueryBuilder()
            .update(CardAttemptEntity)
            .set({ status: 'encoded', finishedAt })
            .where('id = :id AND status = :status', { id: card.attemptId, status: 'encoding' })
            .execute();
          if (updated.affected === 0) return; // recorded by an earlier delivery of this event
          emit('card.encoded', {
            applicationId: event.data.applicationId,
            route: event.data.route,
            cardProfile: event.data.cardProfile,
            municipalityCode: event.data.municipalityCode,
            applicantRecord: event.data.applicantRecord,
            cardId: event.data.cardId,
            chipSerial: card.chipSerial,
            lane: this.lane.lane,
            attempt: card.attempt,
            encodedAt: finishedAt.toISOString(),
          });
        },
      },
    };
  }
}
