import { Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import type { BlobStore } from '@mnc/secure-store';
import { BLOB_STORE, DATA_SOURCE, ProblemError, validationProblem } from '@mnc/stage-runtime';
import { CardAttemptEntity } from './attempt.entity';
import { LaneService, LaneStateError } from './lane.service';
import type { QueuedJobState } from './queue/lane-queue';
import { queuePage } from './queue-page';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATES: readonly QueuedJobState[] = ['waiting', 'active', 'delayed', 'completed', 'failed'];

function attemptView(a: CardAttemptEntity) {
  return {
    id: a.id,
    applicationId: a.applicationId,
    attempt: a.attempt,
    lane: a.lane,
    status: a.status,
    chipSerial: a.chipSerial,
    spoilReason: a.spoilReason,
    startedAt: a.startedAt.toISOString(),
    finishedAt: a.finishedAt?.toISOString() ?? null,
    faces: a.faces
      ? {
          front: `/v1/lanes/attempts/${a.id}/faces/front`,
          back: `/v1/lanes/attempts/${a.id}/faces/back`,
        }
      : null,
  };
}

/**
 * Operators' API of the lanes this process runs: state and figures, pause / drain / resume, a read-only
 * view of the pool's queue, and each attempt's printed face images.
 */
@Controller('v1/lanes')
export class LanesController {
  constructor(
    private readonly lanes: LaneService,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  @Get()
  async list() {
    return {
      lanes: [this.lanes.view()],
      pool: { name: this.lanes.pool, queue: await this.lanes.queueCounts() },
    };
  }

  @Get('queue')
  async queue(@Query('state') state?: string, @Query('limit') limit?: string) {
    const states = this.states(state);
    const max = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(max) || max < 1 || max > 500)
      throw validationProblem([
        { field: 'query.limit', code: 'RANGE', message: 'must be an integer from 1 to 500' },
      ]);
    return {
      pool: this.lanes.pool,
      counts: await this.lanes.queueCounts(),
      jobs: await this.lanes.queueJobs(states, max),
    };
  }

  /** A small read-only page of the queue for operators (Bull Board is not part of this build). */
  @Get('queue/view')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async queueView() {
    return queuePage(
      this.lanes.view(),
      await this.lanes.queueCounts(),
      await this.lanes.queueJobs(['active', 'waiting', 'delayed', 'failed'], 100),
    );
  }

  @Get('applications/:applicationId/attempts')
  async attempts(@Param('applicationId') applicationId: string) {
    if (!UUID.test(applicationId))
      throw validationProblem([{ field: 'path.applicationId', code: 'FORMAT', message: 'must be a UUID' }]);
    const attempts = await this.dataSource.manager.find(CardAttemptEntity, {
      where: { applicationId },
      order: { attempt: 'ASC' },
    });
    return { applicationId, attempts: attempts.map(attemptView) };
  }

  @Get('attempts/:attemptId/faces/:side')
  async face(@Param('attemptId') attemptId: string, @Param('side') side: string, @Res() response: Response) {
    if (!UUID.test(attemptId))
      throw validationProblem([{ field: 'path.attemptId', code: 'FORMAT', message: 'must be a UUID' }]);
    if (side !== 'front' && side !== 'back')
      throw validationProblem([{ field: 'path.side', code: 'ONE_OF', message: 'must be front or back' }]);
    const attempt = await this.dataSource.manager.findOneBy(CardAttemptEntity, { id: attemptId });
    if (!attempt)
      throw new ProblemError(404, 'not-found', 'Attempt not found', `No card attempt ${attemptId}.`);
    if (!attempt.faces)
      throw new ProblemError(404, 'not-printed', 'Not printed', `Attempt ${attemptId} has no printed faces.`);
    const image = await this.blobs.get(attempt.faces[side]);
    response.status(200).type('image/png').setHeader('cache-control', 'private, no-store');
    response.send(image);
  }

  /** The latest good cards of a lane with links to their printed fronts (the dashboard's preview). */
  @Get(':lane/card-faces')
  async cardFaces(@Param('lane') lane: string, @Query('limit') limit?: string) {
    this.assertLane(lane);
    const max = limit === undefined ? 6 : Number(limit);
    if (!Number.isInteger(max) || max < 1 || max > 100)
      throw validationProblem([
        { field: 'query.limit', code: 'RANGE', message: 'must be an integer from 1 to 100' },
      ]);
    const attempts = await this.dataSource.manager.find(CardAttemptEntity, {
      where: { lane, status: 'encoded' },
      order: { finishedAt: 'DESC' },
      take: max,
    });
    return {
      items: attempts
        .filter((a) => a.faces)
        .map((a) => ({
          cardId: a.cardId,
          applicationId: a.applicationId,
          attempt: a.attempt,
          encodedAt: a.finishedAt?.toISOString(),
          front: `/v1/lanes/attempts/${a.id}/faces/front`,
          back: `/v1/lanes/attempts/${a.id}/faces/back`,
        })),
    };
  }

  @Get(':lane')
  one(@Param('lane') lane: string) {
    this.assertLane(lane);
    return this.lanes.view();
  }

  @Post(':lane/pause')
  @HttpCode(200)
  async pause(@Param('lane') lane: string) {
    this.assertLane(lane);
    return this.transition(() => this.lanes.pause());
  }

  @Post(':lane/drain')
  @HttpCode(200)
  async drain(@Param('lane') lane: string) {
    this.assertLane(lane);
    return this.transition(() => this.lanes.drain());
  }

  @Post(':lane/resume')
  @HttpCode(200)
  async resume(@Param('lane') lane: string) {
    this.assertLane(lane);
    return this.transition(async () => this.lanes.resume());
  }

  private assertLane(lane: string): void {
    if (lane !== this.lanes.lane)
      throw new ProblemError(
        404,
        'lane-not-found',
        'Lane not found',
        `This process runs lane ${this.lanes.lane}, not ${lane}.`,
        [],
        {
          lanes: [this.lanes.lane],
        },
      );
  }

  private async transition<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof LaneStateError)
        throw new ProblemError(409, 'lane-state-conflict', 'Lane state conflict', error.message, [], {
          lane: error.lane,
          state: error.state,
        });
      throw error;
    }
  }

  private states(raw: string | undefined): QueuedJobState[] {
    if (raw === undefined) return ['active', 'waiting', 'delayed', 'failed'];
    const states = raw.split(',');
    const unknown = states.filter((s) => !STATES.includes(s as QueuedJobState));
    if (unknown.length > 0)
      throw validationProblem([
        { field: 'query.state', code: 'ONE_OF', message: `must be among ${STATES.join(', ')}` },
      ]);
    return states as QueuedJobState[];
  }
}
