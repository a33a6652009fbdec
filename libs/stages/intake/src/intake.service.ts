import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from 'uuidv7';
import {
  BlobMediaTypes,
  parseApplicantRecord,
  type ApplicantRecord,
  type EventType,
  type PayloadOf,
} from '@mnc/contracts';
import type { PipelineConfig } from '@mnc/config';
import type { ValidApplicant } from '@mnc/domain-applicant';
import { isUniqueViolation } from '@mnc/persistence';
import type { BlobStore } from '@mnc/secure-store';
import {
  BLOB_STORE,
  DATA_SOURCE,
  PIPELINE_CONFIG,
  ProblemError,
  StagePublishers,
  eventSource,
  type StagePublisher,
} from '@mnc/stage-runtime';
import { recordApplicationEvent } from './application-log';
import { CANCELLABLE_STATUSES, CLOSED_STATUSES, type ApplicationStatus } from './application-status';
import { type ApiClient, canActFor } from './auth/api-client';
import {
  ApplicationEntity,
  AuditLogEntity,
  IdempotencyKeyEntity,
  type IdentityCheck,
  type ReviewNote,
} from './entities';
import type { Attestation, ValidSubmission } from './submission';

/** The stored record (ApplicantRecord v1): exactly the checked fields, the card-face extras included. */
export function applicantRecordOf(applicant: ValidApplicant): ApplicantRecord {
  return applicant;
}

export interface SubmissionResult {
  readonly application: ApplicationEntity;
  /** False when an Idempotency-Key replay returned the application created by the first request. */
  readonly created: boolean;
}

/** Why a personal-data read happens; recorded with every read in the audit log. */
export const READ_PURPOSES = [
  'identity-verification',
  'application-correction',
  'resident-inquiry',
  'card-handover',
  'loss-report',
  'supervision',
] as const;
export type ReadPurpose = (typeof READ_PURPOSES)[number];

const OPEN_APPLICATION_INDEX = 'applications_one_open_per_person';
const ONE_REISSUE_INDEX = 'applications_one_reissue_per_card';
const SOURCE = eventSource('intake');

const notFound = (what: string) =>
  new ProblemError(404, 'not-found', `${what} not found`, `No such ${what.toLowerCase()}.`);

const conflict = (type: string, title: string, detail: string, extensions: Record<string, unknown> = {}) =>
  new ProblemError(409, type, title, detail, [], extensions);

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

  static requestHash(body: unknown, photo?: Buffer): string {
    const hash = createHash('sha256').update(JSON.stringify(body));
    if (photo) hash.update('\0photo\0').update(photo);
    return hash.digest('base64url');
  }

  /**
   * Stores the photo and the applicant record encrypted (blobs first: an orphan blob is harmless, a row
   * pointing at a missing blob is not), then in one transaction the application, its first timeline entry,
   * the idempotency key and the `application.submitted` event. An application whose printed text the card
   * font cannot render waits `in-review` instead, and its event goes out when a reviewer approves it.
   */
  async submit(
    submission: ValidSubmission,
    client: ApiClient,
    options: { idempotency?: { key: string; requestHash: string }; review?: ReviewNote } = {},
  ): Promise<SubmissionResult> {
    const { idempotency, review } = options;
    if (idempotency) {
      const replay = await this.replay(idempotency.key, idempotency.requestHash, client);
      if (replay) return { application: replay, created: false };
    }
    const record = applicantRecordOf(submission.applicant);
    const [photo, applicantRecord] = await Promise.all([
      this.blobs.put(submission.photo.bytes, { mediaType: submission.photo.mediaType }),
      this.blobs.put(Buffer.from(JSON.stringify(record)), { mediaType: BlobMediaTypes.applicantRecord }),
    ]);
    const now = new Date();
    const application: ApplicationEntity = Object.assign(new ApplicationEntity(), {
      id: uuidv7(),
      status: (review ? 'in-review' : 'submitted') as ApplicationStatus,
      channel: submission.channel,
      route: submission.route,
      cardProfile: submission.cardProfile,
      municipalityCode: submission.applicant.localGovernmentCode,
      personKey: this.personKey(submission.applicant.myNumber),
      applicantRecord,
      photo,
      submittedAt: now,
      updatedAt: now,
      clientId: client.id,
      identityCheck: submission.attestation
        ? this.identityCheck(submission.attestation, 'application', now)
        : null,
      review: review ?? null,
      cardId: null,
      replacesApplicationId: null,
      closedReason: null,
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(ApplicationEntity, application);
        if (idempotency) {
          await manager.insert(IdempotencyKeyEntity, {
            key: this.scopedKey(client, idempotency.key),
            requestHash: idempotency.requestHash,
            applicationId: application.id,
          });
        }
        if (review) {
          await recordApplicationEvent(
            manager,
            application,
            { eventId: uuidv7(), eventType: 'intake.review-required', source: SOURCE, occurredAt: now },
            application.status,
          );
        } else {
          await this.emitSubmitted(manager, application, now);
        }
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.explainConflict(error, application, client, idempotency);
    }
    this.publisher.committed();
    return { application, created: true };
  }

  /** The application if `client` may see it; another municipality's is "not found", not "forbidden". */
  async find(id: string, client: ApiClient, manager: EntityManager = this.dataSource.manager) {
    const application = await manager.findOneBy(ApplicationEntity, { id });
    if (!application || !canActFor(client, application.municipalityCode)) return undefined;
    return application;
  }

  async timeline(id: string) {
    return this.dataSource.query(
      `SELECT event_id AS "eventId", event_type AS "type", source, occurred_at AS "at"
         FROM intake.timeline WHERE application_id = $1 ORDER BY seq`,
      [id],
    ) as Promise<{ eventId: string; type: string; source: string; at: Date }[]>;
  }

  /** The client's applications, newest first, by keyset (`before`: the last id of the previous page). */
  async list(
    client: ApiClient,
    filter: { municipalityCode?: string; status?: ApplicationStatus; before?: string; limit: number },
  ): Promise<ApplicationEntity[]> {
    const query = this.dataSource.manager.createQueryBuilder(ApplicationEntity, 'a');
    if (filter.municipalityCode)
      query.andWhere('a.municipality_code = :code', { code: filter.municipalityCode });
    if (!client.municipalities.includes('*')) {
      query.andWhere('a.municipality_code IN (:...codes)', { codes: [...client.municipalities] });
    }
    if (filter.status) query.andWhere('a.status = :status', { status: filter.status });
    if (filter.before) query.andWhere('a.id < :before', { before: filter.before });
    return query.orderBy('a.id', 'DESC').limit(filter.limit).getMany();
  }

  /**
   * A personal-data read: the audit entry (who, when, what, why) is written before the data leaves, and a
   * refused read is recorded too. Another municipality's application is "not found".
   */
  async readPersonalData(
    id: string,
    client: ApiClient,
    what: 'applicant' | 'photo',
    purpose: ReadPurpose,
  ): Promise<{ application: ApplicationEntity; applicant?: ApplicantRecord; photo?: Buffer }> {
    const application = await this.dataSource.manager.findOneBy(ApplicationEntity, { id });
    const allowed = application !== null && canActFor(client, application.municipalityCode);
    await this.dataSource.manager.insert(AuditLogEntity, {
      clientId: client.id,
      action: `read.${what}`,
      applicationId: id,
      purpose,
      outcome: allowed ? 'allowed' : 'denied',
    });
    if (!allowed) throw notFound('Application');
    if (what === 'photo') return { application, photo: await this.blobs.get(application.photo) };
    return {
      application,
      applicant: parseApplicantRecord(await this.blobs.get(application.applicantRecord)),
    };
  }

  /** Withdraws an application before a card record exists → `application.cancelled`. */
  async cancel(id: string, client: ApiClient, reason: string): Promise<ApplicationEntity> {
    return this.changeApplication(id, client, async (manager, application, now) => {
      if (!CANCELLABLE_STATUSES.includes(application.status)) {
        throw conflict(
          'not-cancellable',
          'The application can no longer be cancelled',
          `An application in status ${application.status} has a card record; report the card lost instead.`,
        );
      }
      await this.close(manager, application, 'cancelled', reason, now);
    });
  }

  /** A reviewer's decision on an application held for characters the print font lacks. */
  async decideReview(
    id: string,
    client: ApiClient,
    decision: 'approve' | 'cancel',
    officialId: string,
  ): Promise<ApplicationEntity> {
    return this.changeApplication(id, client, async (manager, application, now) => {
      if (application.status !== 'in-review') {
        throw conflict(
          'not-in-review',
          'The application is not waiting for review',
          `Its status is ${application.status}.`,
        );
      }
      const review: ReviewNote = {
        ...application.review!,
        decision,
        decidedBy: officialId,
        decidedAt: now.toISOString(),
      };
      await manager.update(ApplicationEntity, { id }, { review });
      if (decision === 'cancel')
        await this.close(manager, application, 'cancelled', 'review: text cannot be printed', now);
      else await this.emitSubmitted(manager, application, now);
    });
  }

  /** The card was handed over at the counter after an identity check → `card.handed-over`. */
  async handOver(id: string, client: ApiClient, check: Attestation): Promise<ApplicationEntity> {
    return this.changeApplication(id, client, async (manager, application, now) => {
      if (application.route !== 'normal' || application.status !== 'delivered') {
        throw conflict(
          'not-at-counter',
          'The card is not waiting at the counter',
          application.route === 'express'
            ? 'Express cards are mailed to the resident; there is no counter handover.'
            : `The application is ${application.status}; a card can be handed over once delivered to the municipality.`,
        );
      }
      await manager.update(
        ApplicationEntity,
        { id },
        { identityCheck: this.identityCheck(check, 'handover', now) },
      );
      await this.emit(
        manager,
        application,
        'card.handed-over',
        {
          applicationId: application.id,
          municipalityCode: application.municipalityCode,
          identityCheckedBy: check.officialId,
          handedOverAt: now.toISOString(),
        },
        'handed-over',
      );
    });
  }

  /**
   * A card reported lost: in one transaction the card's application is closed as `card-reported-lost`, an
   * express reissue application is created for the same person (same record and photo, route express), and
   * `card.loss-reported` plus the reissue's `application.submitted` are written to the outbox. Suspending
   * the card and its certificates is the card lifecycle's reaction to `card.loss-reported`. A second
   * report of the same card returns the reissue created by the first.
   */
  async reportLost(
    cardId: string,
    client: ApiClient,
    report: Attestation,
  ): Promise<{ lost: ApplicationEntity; reissue: ApplicationEntity; created: boolean }> {
    const lost = await this.dataSource.manager.findOneBy(ApplicationEntity, { cardId });
    if (!lost || !canActFor(client, lost.municipalityCode)) throw notFound('Card');
    const now = new Date();
    const reissue: ApplicationEntity = Object.assign(new ApplicationEntity(), {
      id: uuidv7(),
      status: 'submitted' as ApplicationStatus,
      channel: 'lost-card-reissue' as const,
      route: 'express' as const,
      cardProfile: lost.cardProfile,
      municipalityCode: lost.municipalityCode,
      personKey: lost.personKey,
      applicantRecord: lost.applicantRecord,
      photo: lost.photo,
      submittedAt: now,
      updatedAt: now,
      clientId: client.id,
      identityCheck: this.identityCheck(report, 'loss-report', now),
      review: null,
      cardId: null,
      replacesApplicationId: lost.id,
      closedReason: null,
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        const current = await manager.findOne(ApplicationEntity, {
          where: { id: lost.id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!current || !['delivered', 'handed-over'].includes(current.status)) {
          throw conflict(
            'card-not-with-holder',
            'The card is not with its holder',
            `The application is ${current?.status ?? 'gone'}; only a delivered card can be reported lost.`,
          );
        }
        await manager.update(ApplicationEntity, { id: lost.id }, { closedReason: 'card reported lost' });
        await this.emit(
          manager,
          current,
          'card.loss-reported',
          {
            applicationId: current.id,
            reissueApplicationId: reissue.id,
            reportedAt: now.toISOString(),
          },
          'card-reported-lost',
        );
        await manager.insert(ApplicationEntity, reissue);
        await this.emitSubmitted(manager, reissue, now);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
      if (constraint === OPEN_APPLICATION_INDEX) {
        throw conflict(
          'open-application-exists',
          'An application is already open for this person',
          'The holder has another open application; cancel it or wait for it before reporting the card lost.',
        );
      }
      if (constraint !== ONE_REISSUE_INDEX) throw error;
      const existing = await this.dataSource.manager.findOneByOrFail(ApplicationEntity, {
        replacesApplicationId: lost.id,
      });
      return { lost, reissue: existing, created: false };
    }
    this.publisher.committed();
    return {
      lost: (await this.dataSource.manager.findOneBy(ApplicationEntity, { id: lost.id }))!,
      reissue,
      created: true,
    };
  }

  /**
   * A card reported lost was found again → `card.found-reported` (the card lifecycle lifts the hold). The
   * express reissue goes on unless the holder withdraws it (cancellation). A repeated report changes nothing.
   */
  async reportFound(cardId: string, client: ApiClient, report: Attestation): Promise<ApplicationEntity> {
    return this.changeCard(cardId, client, async (manager, application, now) => {
      if (application.status !== 'card-reported-lost') {
        throw conflict(
          'card-not-reported-lost',
          'The card was not reported lost',
          `The application is ${application.status}.`,
        );
      }
      if (await this.hasEvent(manager, application.id, 'card.found-reported')) return;
      await manager.update(
        ApplicationEntity,
        { id: application.id },
        {
          identityCheck: this.identityCheck(report, 'loss-report', now),
          closedReason: 'card found after loss report',
        },
      );
      await this.emit(
        manager,
        application,
        'card.found-reported',
        { applicationId: application.id, reportedAt: now.toISOString() },
        application.status,
      );
    });
  }

  /**
   * The resident register reports the holder's death → `card.holder-deceased` (the card lifecycle revokes the
   * card, CRL reason affiliationChanged with the death sub-reason). A repeated notice changes nothing.
   */
  async reportHolderDeceased(
    cardId: string,
    client: ApiClient,
    report: Attestation,
  ): Promise<ApplicationEntity> {
    return this.changeCard(cardId, client, async (manager, application, now) => {
      if (application.status === 'holder-deceased') return;
      await manager.update(
        ApplicationEntity,
        { id: application.id },
        { identityCheck: this.identityCheck(report, 'death-notice', now), closedReason: 'holder deceased' },
      );
      await this.emit(
        manager,
        application,
        'card.holder-deceased',
        { applicationId: application.id, notifiedAt: now.toISOString() },
        'holder-deceased',
      );
    });
  }

  private async hasEvent(manager: EntityManager, applicationId: string, type: string): Promise<boolean> {
    const rows = (await manager.query(
      'SELECT 1 FROM intake.timeline WHERE application_id = $1 AND event_type = $2 LIMIT 1',
      [applicationId, type],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Like {@link changeApplication}, for the application of a card; another municipality's card is "not found". */
  private async changeCard(
    cardId: string,
    client: ApiClient,
    change: (manager: EntityManager, application: ApplicationEntity, now: Date) => Promise<void>,
  ): Promise<ApplicationEntity> {
    const application = await this.dataSource.manager.findOneBy(ApplicationEntity, { cardId });
    if (!application || !canActFor(client, application.municipalityCode)) throw notFound('Card');
    return this.changeApplication(application.id, client, change);
  }

  /** Also answers a repeated loss report after the first one committed (the card is then already closed). */
  async reissueOf(cardId: string, client: ApiClient): Promise<ApplicationEntity | undefined> {
    const lost = await this.dataSource.manager.findOneBy(ApplicationEntity, { cardId });
    if (!lost || !canActFor(client, lost.municipalityCode)) return undefined;
    return (
      (await this.dataSource.manager.findOneBy(ApplicationEntity, { replacesApplicationId: lost.id })) ??
      undefined
    );
  }

  private identityCheck(check: Attestation, purpose: IdentityCheck['purpose'], at: Date): IdentityCheck {
    return { ...check, checkedAt: at.toISOString(), purpose };
  }

  private async changeApplication(
    id: string,
    client: ApiClient,
    change: (manager: EntityManager, application: ApplicationEntity, now: Date) => Promise<void>,
  ): Promise<ApplicationEntity> {
    const now = new Date();
    const changed = await this.dataSource.transaction(async (manager) => {
      const application = await manager.findOne(ApplicationEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!application || !canActFor(client, application.municipalityCode)) throw notFound('Application');
      await change(manager, application, now);
      return manager.findOneByOrFail(ApplicationEntity, { id });
    });
    this.publisher.committed();
    return changed;
  }

  private async close(
    manager: EntityManager,
    application: ApplicationEntity,
    status: 'cancelled',
    reason: string,
    now: Date,
  ): Promise<void> {
    await manager.update(ApplicationEntity, { id: application.id }, { closedReason: reason });
    await this.emit(
      manager,
      application,
      'application.cancelled',
      {
        applicationId: application.id,
        reason,
        cancelledAt: now.toISOString(),
      },
      status,
    );
  }

  private async emitSubmitted(
    manager: EntityManager,
    application: ApplicationEntity,
    now: Date,
  ): Promise<void> {
    await this.emit(
      manager,
      application,
      'application.submitted',
      {
        applicationId: application.id,
        route: application.route,
        cardProfile: application.cardProfile,
        municipalityCode: application.municipalityCode,
        applicantRecord: application.applicantRecord,
        channel: application.channel,
        photo: application.photo,
        submittedAt: now.toISOString(),
      },
      'submitted',
    );
  }

  private async emit<T extends EventType>(
    manager: EntityManager,
    application: ApplicationEntity,
    type: T,
    data: PayloadOf<T>,
    nextStatus: ApplicationStatus,
  ): Promise<void> {
    const event = await this.publisher.emit(manager, type, data);
    await recordApplicationEvent(
      manager,
      application,
      { eventId: event.id, eventType: event.type, source: event.source, occurredAt: new Date(event.time) },
      nextStatus,
    );
  }

  /** Idempotency keys are per client: two municipal systems may pick the same key. */
  private scopedKey(client: ApiClient, key: string): string {
    return `${client.id}:${key}`;
  }

  private async replay(
    key: string,
    requestHash: string,
    client: ApiClient,
  ): Promise<ApplicationEntity | undefined> {
    const existing = await this.dataSource.manager.findOneBy(IdempotencyKeyEntity, {
      key: this.scopedKey(client, key),
    });
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
    client: ApiClient,
    idempotency?: { key: string; requestHash: string },
  ): Promise<SubmissionResult> {
    // The same Idempotency-Key raced us and won: answer with its application.
    if (idempotency) {
      const replay = await this.replay(idempotency.key, idempotency.requestHash, client);
      if (replay) return { application: replay, created: false };
    }
    const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
    if (constraint === OPEN_APPLICATION_INDEX) {
      const open = await this.dataSource.manager
        .createQueryBuilder(ApplicationEntity, 'a')
        .where('a.person_key = :key', { key: application.personKey })
        .andWhere('a.status NOT IN (:...closed)', { closed: [...CLOSED_STATUSES] })
        .getOne();
      // The link only for a client that may follow it: the open application may be another municipality's.
      const visible = open && canActFor(client, open.municipalityCode);
      throw new ProblemError(
        409,
        'open-application-exists',
        'An application is already open for this person',
        'Only one application per person can be open at a time.',
        [
          {
            field: 'applicant.myNumber',
            code: 'OPEN_APPLICATION_EXISTS',
            message: 'applicant.myNumber has an open application',
          },
        ],
        visible ? { openApplication: `/v1/applications/${open.id}` } : {},
      );
    }
    throw error;
  }
}
