import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { parseApplicantRecord, type BlobRef } from '@mnc/contracts';
import type { PipelineConfig } from '@mnc/config';
import type { EventHandlers } from '@mnc/messaging';
import {
  stopFaceDetection,
  type CheckResult,
  type PhotoScreener,
  type ScreeningReport,
} from '@mnc/photo-quality';
import type { BlobStore } from '@mnc/secure-store';
import { BLOB_STORE, PIPELINE_CONFIG, type StageConsumer } from '@mnc/stage-runtime';
import { PHOTO_SCREENER } from './photo-screener';
import { ReviewActionEntity, ReviewCaseEntity } from './review.entities';
import { ScreeningEntity, type StoredReason } from './screening.entity';

export const CHIP_IMAGE_MEDIA_TYPE = 'image/jpeg';
/** The actor of automatic entries in the review trail. */
export const SCREENING_ACTOR = 'photo-screening';

interface Prepared {
  readonly outcome: ScreeningReport['outcome'];
  readonly reasons: StoredReason[];
  readonly kind: 'quality' | 'audit';
  readonly checks: readonly CheckResult[];
  readonly detector: string;
  readonly chip?: BlobRef;
  readonly print?: BlobRef;
}

/**
 * Screens each submitted photo. The CPU work (decoding, two face models, the checks, the chip and print
 * images) and storing the images run in `prepare`, outside the transaction; an image stored twice is the
 * same content-addressed blob. `apply` records the outcome and emits photo.accepted, photo.rejected or
 * photo.review-requested with it.
 */
@Injectable()
export class PhotoScreeningConsumer implements StageConsumer, OnModuleDestroy {
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(PHOTO_SCREENER) private readonly screener: PhotoScreener,
    @Inject(PIPELINE_CONFIG) private readonly config: Pick<PipelineConfig, 'photoAuditShare'>,
  ) {}

  /** The inference worker thread ends with the module, so a stopped process does not linger. */
  onModuleDestroy(): Promise<void> {
    return stopFaceDetection();
  }

  handlers(): EventHandlers {
    return {
      'application.submitted': {
        prepare: async (event): Promise<Prepared> => {
          const [bytes, record] = await Promise.all([
            this.blobs.get(event.data.photo),
            this.blobs.get(event.data.applicantRecord),
          ]);
          const report = await this.screener.screen(bytes, {
            birthDate: parseApplicantRecord(record).birthDate,
            today: new Date(event.time),
            auditShare: this.config.photoAuditShare,
            random: Math.random,
          });
          const images = report.outcome === 'rejected' ? undefined : report.images;
          const [chip, print] = images
            ? await Promise.all([
                this.blobs.put(images.chip.bytes, { mediaType: CHIP_IMAGE_MEDIA_TYPE }),
                this.blobs.put(images.print.bytes, { mediaType: CHIP_IMAGE_MEDIA_TYPE }),
              ])
            : [];
          const reasons: StoredReason[] =
            report.outcome === 'rejected'
              ? report.reasons.map((r) => ({ code: r.code, message: r.message, messageJa: r.messageJa }))
              : report.outcome === 'review'
                ? report.reviewReasons.map((r) => ({ code: r.code, message: r.message }))
                : [];
          const audit =
            report.outcome === 'review' && report.reviewReasons.every((r) => r.code === 'AUDIT_SAMPLE');
          return {
            outcome: report.outcome,
            reasons,
            kind: audit ? 'audit' : 'quality',
            checks: report.checks,
            detector: report.detector,
            ...(chip ? { chip } : {}),
            ...(print ? { print } : {}),
          };
        },
        apply: async (event, { manager, emit }, result: Prepared) => {
          const applicationId = event.data.applicationId;
          const inserted = await manager
            .createQueryBuilder()
            .insert()
            .into(ScreeningEntity)
            .values({
              applicationId,
              outcome: result.outcome,
              width: result.chip ? 420 : null,
              height: result.chip ? 540 : null,
              reasons: result.reasons,
              checks: [...result.checks],
              detector: result.detector,
              chipImage: result.chip ?? null,
              printImage: result.print ?? null,
            })
            .orIgnore()
            .returning(['applicationId'])
            .execute();
          if (inserted.raw.length === 0) return; // already decided for this application
          if (result.outcome === 'accepted') {
            emit('photo.accepted', {
              applicationId,
              route: event.data.route,
              cardProfile: event.data.cardProfile,
              municipalityCode: event.data.municipalityCode,
              applicantRecord: event.data.applicantRecord,
              photo: result.chip!,
              width: 420,
              height: 540,
              printImage: result.print!,
              decision: 'automatic',
            });
          } else if (result.outcome === 'rejected') {
            emit('photo.rejected', { applicationId, reasons: result.reasons, decision: 'automatic' });
          } else {
            await manager.insert(ReviewCaseEntity, {
              applicationId,
              kind: result.kind,
              state: 'waiting',
              reasons: result.reasons,
              routing: {
                route: event.data.route,
                cardProfile: event.data.cardProfile,
                municipalityCode: event.data.municipalityCode,
                applicantRecord: event.data.applicantRecord,
              },
              sourcePhoto: event.data.photo,
              chipImage: result.chip ?? null,
              printImage: result.print ?? null,
            });
            await manager.insert(ReviewActionEntity, {
              applicationId,
              action: 'queued',
              actor: SCREENING_ACTOR,
              detail: { reasons: result.reasons.map((r) => r.code) },
            });
            emit('photo.review-requested', {
              applicationId,
              reasons: result.reasons.map((r) => ({ code: r.code, message: r.message })),
              kind: result.kind,
            });
          }
        },
      },
    };
  }
}
