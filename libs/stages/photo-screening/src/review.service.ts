import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { BlobRef } from '@mnc/contracts';
import {
  REJECTION_REASONS,
  rejectionReason,
  THRESHOLDS,
  type BandSpec,
  type CheckName,
  type RejectionCode,
} from '@mnc/photo-quality';
import type { BlobStore } from '@mnc/secure-store';
import {
  BLOB_STORE,
  DATA_SOURCE,
  ProblemError,
  StagePublishers,
  type StagePublisher,
  validationProblem,
} from '@mnc/stage-runtime';
import {
  ReviewActionEntity,
  ReviewCaseEntity,
  type ReviewAction,
  type ReviewActionDetail,
  type ReviewState,
} from './review.entities';
import { ScreeningEntity } from './screening.entity';

export interface ReviewCaseView {
  readonly applicationId: string;
  readonly kind: 'quality' | 'audit';
  readonly state: ReviewState;
  readonly reasons: readonly { code: string; message: string }[];
  readonly claimedBy: string | null;
  readonly claimedAt: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly createdAt: string;
  /** Seconds the application has been waiting (for the SLA clock); null once decided. */
  readonly waitingSeconds: number | null;
}

export type ReviewImage = 'source' | 'chip' | 'print';

function view(c: ReviewCaseEntity, now: Date): ReviewCaseView {
  const open = c.state === 'waiting' || c.state === 'claimed';
  return {
    applicationId: c.applicationId,
    kind: c.kind,
    state: c.state,
    reasons: c.reasons.map((r) => ({ code: r.code, message: r.message })),
    claimedBy: c.claimedBy,
    claimedAt: c.claimedAt?.toISOString() ?? null,
    decidedBy: c.decidedBy,
    decidedAt: c.decidedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    waitingSeconds: open ? Math.max(0, Math.round((now.getTime() - c.createdAt.getTime()) / 1000)) : null,
  };
}

/** The band each check was measured against, so a reviewer sees the value beside its limits. */
const BAND_OF: Record<CheckName, BandSpec> = {
  ...THRESHOLDS,
  face: THRESHOLDS.faceScore,
  faceCount: THRESHOLDS.secondFace,
};

const notFound = (id: string) =>
  new ProblemError(404, 'not-found', 'Review case not found', `No photo review for application ${id}.`);
const conflict = (detail: string) =>
  new ProblemError(409, 'review-conflict', 'Review case not in that state', detail);

/**
 * The human review of photos: a queue, claiming (one reviewer at a time), approval and rejection with
 * reasons the applicant reads. Every step writes the audit trail in the same transaction; a decision emits
 * the same photo.accepted / photo.rejected an automatic one does, through the outbox.
 */
@Injectable()
export class ReviewService {
  private readonly publisher: StagePublisher;
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    publishers: StagePublishers,
  ) {
    this.publisher = publishers.forStage('photo-screening');
  }

  /** Open cases oldest first (the longest wait is the most urgent), or every case in one state. */
  async queue(state: ReviewState | 'open' = 'open', limit = 50): Promise<ReviewCaseView[]> {
    const states: ReviewState[] = state === 'open' ? ['waiting', 'claimed'] : [state];
    const cases = await this.dataSource.manager
      .createQueryBuilder(ReviewCaseEntity, 'c')
      .where('c.state IN (:...states)', { states })
      .orderBy('c.createdAt', 'ASC')
      .limit(limit)
      .getMany();
    const now = new Date();
    return cases.map((c) => view(c, now));
  }

  async get(applicationId: string) {
    const c = await this.dataSource.manager.findOneBy(ReviewCaseEntity, { applicationId });
    if (!c) throw notFound(applicationId);
    const [screening, trail] = await Promise.all([
      this.dataSource.manager.findOneBy(ScreeningEntity, { applicationId }),
      this.dataSource.manager.find(ReviewActionEntity, { where: { applicationId }, order: { seq: 'ASC' } }),
    ]);
    return {
      ...view(c, new Date()),
      checks: (screening?.checks ?? []).map((c) => ({ ...c, threshold: BAND_OF[c.check] })),
      detector: screening?.detector ?? null,
      trail: trail.map((a) => ({
        action: a.action,
        actor: a.actor,
        at: a.at.toISOString(),
        detail: a.detail,
      })),
    };
  }

  /** The photo as sent, or the chip or print image made from it; the viewing is in the trail. */
  async image(
    applicationId: string,
    which: ReviewImage,
    reviewer: string,
  ): Promise<{ bytes: Buffer; ref: BlobRef }> {
    const c = await this.dataSource.manager.findOneBy(ReviewCaseEntity, { applicationId });
    if (!c) throw notFound(applicationId);
    const ref = which === 'source' ? c.sourcePhoto : which === 'chip' ? c.chipImage : c.printImage;
    if (!ref)
      throw new ProblemError(404, 'not-found', 'No such image', `No ${which} image was made for this photo.`);
    const bytes = await this.blobs.get(ref);
    await this.trail(this.dataSource.manager, applicationId, 'viewed', reviewer, { image: which });
    return { bytes, ref };
  }

  async claim(applicationId: string, reviewer: string): Promise<ReviewCaseView> {
    return this.step(applicationId, reviewer, async (manager, c) => {
      if (c.state === 'claimed' && c.claimedBy === reviewer) return c; // a repeated claim changes nothing
      if (c.state !== 'waiting') {
        throw conflict(c.state === 'claimed' ? `Claimed by ${c.claimedBy}.` : `Already ${c.state}.`);
      }
      Object.assign(c, { state: 'claimed', claimedBy: reviewer, claimedAt: new Date() });
      await manager.save(c);
      await this.trail(manager, applicationId, 'claimed', reviewer);
      return c;
    });
  }

  /** Gives a claimed case back to the queue (the reviewer cannot decide it). */
  async release(applicationId: string, reviewer: string): Promise<ReviewCaseView> {
    return this.step(applicationId, reviewer, async (manager, c) => {
      this.mustHoldClaim(c, reviewer);
      Object.assign(c, { state: 'waiting', claimedBy: null, claimedAt: null });
      await manager.save(c);
      await this.trail(manager, applicationId, 'released', reviewer);
      return c;
    });
  }

  async approve(applicationId: string, reviewer: string, note?: string): Promise<ReviewCaseView> {
    return this.step(applicationId, reviewer, async (manager, c) => {
      this.mustHoldClaim(c, reviewer);
      if (!c.chipImage || !c.printImage) {
        throw conflict(
          'No chip image could be made from this photo (no face was placed); it can only be rejected.',
        );
      }
      Object.assign(c, { state: 'approved', decidedBy: reviewer, decidedAt: new Date() });
      await manager.save(c);
      await this.trail(manager, applicationId, 'approved', reviewer, note ? { note } : {});
      await this.publisher.emit(manager, 'photo.accepted', {
        applicationId,
        ...c.routing,
        photo: c.chipImage,
        width: 420,
        height: 540,
        printImage: c.printImage,
        decision: 'reviewer',
      });
      return c;
    });
  }

  async reject(applicationId: string, reviewer: string, codes: readonly RejectionCode[], note?: string) {
    return this.step(applicationId, reviewer, async (manager, c) => {
      this.mustHoldClaim(c, reviewer);
      Object.assign(c, { state: 'rejected', decidedBy: reviewer, decidedAt: new Date() });
      await manager.save(c);
      await this.trail(manager, applicationId, 'rejected', reviewer, {
        reasons: [...codes],
        ...(note ? { note } : {}),
      });
      await this.publisher.emit(manager, 'photo.rejected', {
        applicationId,
        reasons: codes.map(rejectionReason),
        decision: 'reviewer',
      });
      return c;
    });
  }

  private mustHoldClaim(c: ReviewCaseEntity, reviewer: string): void {
    if (c.state === 'claimed' && c.claimedBy === reviewer) return;
    if (c.state === 'claimed') throw conflict(`Claimed by ${c.claimedBy}; claim it before deciding.`);
    throw conflict(c.state === 'waiting' ? 'Claim the case before deciding it.' : `Already ${c.state}.`);
  }

  private trail(
    manager: EntityManager,
    applicationId: string,
    action: ReviewAction,
    actor: string,
    detail: ReviewActionDetail = {},
  ) {
    return manager.insert(
      ReviewActionEntity,
      Object.assign(new ReviewActionEntity(), { applicationId, action, actor, detail }),
    );
  }

  /** One case, locked for the transaction, so two reviewers cannot both claim or decide it. */
  private async step(
    applicationId: string,
    _reviewer: string,
    change: (manager: EntityManager, c: ReviewCaseEntity) => Promise<ReviewCaseEntity>,
  ): Promise<ReviewCaseView> {
    const result = await this.dataSource.transaction(async (manager) => {
      const c = await manager.findOne(ReviewCaseEntity, {
        where: { applicationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!c) throw notFound(applicationId);
      return change(manager, c);
    });
    this.publisher.committed();
    return view(result, new Date());
  }
}

/** Validates a reviewer's rejection body: reasons are codes the applicant can act on, a note is optional. */
export function parseRejection(body: unknown): { codes: RejectionCode[]; note?: string } {
  const input = (body ?? {}) as { reasons?: unknown; note?: unknown };
  const errors: { field: string; code: string; message: string }[] = [];
  const codes: RejectionCode[] = [];
  if (!Array.isArray(input.reasons) || input.reasons.length === 0) {
    errors.push({ field: 'reasons', code: 'REQUIRED', message: 'Give at least one reason code.' });
  } else {
    input.reasons.forEach((code, i) => {
      if (typeof code === 'string' && code in REJECTION_REASONS) codes.push(code as RejectionCode);
      else
        errors.push({
          field: `reasons[${i}]`,
          code: 'UNKNOWN_REASON',
          message: `Not a rejection reason code.`,
        });
    });
  }
  const note = parseNote(input.note, errors);
  if (errors.length > 0) throw validationProblem(errors);
  return { codes: [...new Set(codes)], ...(note ? { note } : {}) };
}

export function parseNote(
  note: unknown,
  errors: { field: string; code: string; message: string }[],
): string | undefined {
  if (note === undefined || note === null) return undefined;
  if (typeof note !== 'string' || note.length > 500) {
    errors.push({ field: 'note', code: 'INVALID', message: 'A note is text of at most 500 characters.' });
    return undefined;
  }
  return note;
}
