import { Inject, Injectable } from '@nestjs/common';
import type { EventHandlers } from '@mnc/messaging';
import type { BlobStore } from '@mnc/secure-store';
import { BLOB_STORE, type StageConsumer } from '@mnc/stage-runtime';
import { decodePhoto, UndecodablePhotoError } from './photo-decoder';
import { screenDecodedPhoto, UNREADABLE, type ScreeningResult } from './screening-rules';
import { ScreeningEntity } from './screening.entity';

@Injectable()
export class PhotoScreeningConsumer implements StageConsumer {
  constructor(@Inject(BLOB_STORE) private readonly blobs: BlobStore) {}

  handlers(): EventHandlers {
    return {
      'application.submitted': {
        // Decoding is CPU work; it runs outside the transaction.
        prepare: async (event): Promise<ScreeningResult> => {
          const bytes = await this.blobs.get(event.data.photo);
          try {
            return screenDecodedPhoto(await decodePhoto(bytes));
          } catch (error) {
            if (error instanceof UndecodablePhotoError) return UNREADABLE;
            throw error;
          }
        },
        apply: async (event, { manager, emit }, result: ScreeningResult) => {
          const inserted = await manager
            .createQueryBuilder()
            .insert()
            .into(ScreeningEntity)
            .values({
              applicationId: event.data.applicationId,
              outcome: result.outcome,
              width: result.outcome === 'accepted' ? result.photo.width : null,
              height: result.outcome === 'accepted' ? result.photo.height : null,
              reasons: result.outcome === 'rejected' ? [...result.reasons] : [],
            })
            .orIgnore()
            .returning(['applicationId'])
            .execute();
          if (inserted.raw.length === 0) return; // already decided for this application
          if (result.outcome === 'accepted') {
            emit('photo.accepted', {
              applicationId: event.data.applicationId,
              route: event.data.route,
              cardProfile: event.data.cardProfile,
              municipalityCode: event.data.municipalityCode,
              applicantRecord: event.data.applicantRecord,
              photo: event.data.photo,
              width: result.photo.width,
              height: result.photo.height,
              decision: 'automatic',
            });
          } else {
            emit('photo.rejected', {
              applicationId: event.data.applicationId,
              reasons: [...result.reasons],
              decision: 'automatic',
            });
          }
        },
      },
    };
  }
}
