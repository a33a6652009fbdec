import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import { BlobMediaTypes, type ApplicantRecord } from '@mnc/contracts';
import type { PipelineConfig } from '@mnc/config';
import { isUniqueViolation } from '@mnc/persistence';
import type { BlobStore } from '@mnc/secure-store';
import {
  BLOB_STORE,
  DATA_SOURCE,
  PIPELINE_CONFIG,
  ProblemError,
  StagePublishers,
  type StagePublisher,
} from '@mnc/stage-runtime';
import { ApplicationEntity, IdempotencyKeyEntity, TimelineEntryEntity } from './entities';
import type { ValidSubmission } from './submission';

export interface SubmissionResult {
  readonly application: ApplicationEntity;
  /** False when an Idempotency-Key replay returned the application created by the first request. */
  readonly created: boolean;
}

const OPEN_APPLICATION_INDEX = 'applications_one_open_per_person';

@Injectable()
export class IntakeService {
  private readonly publisher: StagePublisher;
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    publishers: StagePublishers,
  ) {
    this.publisher = publishers.forStage('intake');
  }

  /** Keyed hash of the my number: equal for one person, useless to anyone without the key. */
  personKey(myNumber: string): string {
    return createHmac('sha256', this.config.keyedMasterSalt)
      .update(`my-number:${myNumber}`)
      .digest('base64url');
  }

  static requestHash(body: unknown): string {
    return createHash('sha256').update(JSON.stringify(body)).digest('base64url');
  }

  /**
   * Stores the photo and the applicant record encrypted (blobs first: an orphan blob is harmless, a row
   * pointing at a missing blob is not), then in one transaction the application, its first timeline entry,
   * the idempotency key and the `application.submitted` event.
   */
  async submit(
    submission: ValidSubmission,
    idempotency?: { key: string; requestHash: string },
  ): Promise<SubmissionResult> {
    if (idempotency) {
      const replay = await this.replay(idempotency.key, idempotency.requestHash);
      if (replay) return { application: replay, created: false };
    }
    const record: ApplicantRecord = submission.applicant;
    const [photo, applicantRecord] = await Promise.all([
      this.blobs.put(submission.photo.bytes, { mediaType: submission.photo.mediaType }),
      this.blobs.put(Buffer.from(JSON.stringify(record)), { mediaType: BlobMediaTypes.applicantRecord }),
    ]);
    const now = new Date();
    const application: ApplicationEntity = Object.assign(new ApplicationEntity(), {
      id: uuidv7(),
      status: 'submitted' as const,
      channel: submission.channel,
      route: submission.route,
      cardProfile: submission.cardProfile,
      municipalityCode: submission.applicant.localGovernmentCode,
      personKey: this.personKey(submission.applicant.myNumber),
      applicantRecord,
      photo,
      submittedAt: now,
      updatedAt: now,
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(ApplicationEntity, application);
        if (idempotency) {
          await manager.insert(IdempotencyKeyEntity, {
            key: idempotency.key,
            requestHash: idempotency.requestHash,
            applicationId: application.id,
          });
        }
        const event = await this.publisher.emit(manager, 'application.submitted', {
          applicationId: application.id,
          route: application.route,
          cardProfile: application.cardProfile,
          municipalityCode: application.municipalityCode,
          applicantRecord,
          channel: application.channel,
          photo,
          submittedAt: now.toISOString(),
        });
        await manager.insert(TimelineEntryEntity, {
          applicationId: application.id,
          eventId: event.id,
          eventType: event.type,
          source: event.source,
          occurredAt: now,
        });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.explainConflict(error, application, idempotency);
    }
    this.publisher.committed();
    return { application, created: true };
  }

  async find(
    id: string,
  ): Promise<{ application: ApplicationEntity; timeline: TimelineEntryEntity[] } | undefined> {
    const application = await this.dataSource.manager.findOneBy(ApplicationEntity, { id });
    if (!application) return undefined;
    const timeline = await this.dataSource.manager.find(TimelineEntryEntity, {
      where: { applicationId: id },
      order: { seq: 'ASC' },
    });
    return { application, timeline };
  }

  private async replay(key: string, requestHash: string): Promise<ApplicationEntity | undefined> {
    const existing = await this.dataSource.manager.findOneBy(IdempotencyKeyEntity, { key });
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) {
      throw new ProblemError(
        422,
        'idempotency-key-reused',
        'Idempotency-Key reused',
        'This Idempotency-Key was used for a different request.',
        [
          {
            field: 'header.Idempotency-Key',
            code: 'IDEMPOTENCY_KEY_REUSED',
            message: 'was used for a different request',
          },
        ],
      );
    }
    return this.dataSource.manager.findOneByOrFail(ApplicationEntity, { id: existing.applicationId });
  }

  private async explainConflict(
    error: unknown,
    application: ApplicationEntity,
    idempotency?: { key: string; requestHash: string },
  ): Promise<SubmissionResult> {
    const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
    if (constraint === OPEN_APPLICATION_INDEX) {
      const open = await this.dataSource.manager
        .createQueryBuilder(ApplicationEntity, 'a')
        .where('a.person_key = :key', { key: application.personKey })
        .andWhere(`a.status NOT IN ('photo-rejected', 'delivered')`)
        .getOne();
      throw new ProblemError(
        409,
        'open-application-exists',
        'An application is already open for this person',
        'Only one application per person can be open at a time.',
        [],
        open ? { openApplication: `/v1/applications/${open.id}` } : {},
      );
    }
    // The same Idempotency-Key raced us and won: answer with its application.
    if (idempotency) {
      const replay = await this.replay(idempotency.key, idempotency.requestHash);
      if (replay) return { application: replay, created: false };
    }
    throw error;
  }
}
