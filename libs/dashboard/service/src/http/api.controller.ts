import type { Server } from 'node:http';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ProblemError, validationProblem } from '@mnc/stage-runtime';
import { audit, by } from '../audit';
import type { Operator } from '../auth/session';
import { DashboardContext, LiveFeed } from '../dashboard.context';
import {
  DeadLetterNotFoundError,
  DeadLetterStateError,
  resolveDeadLetter,
} from '../dead-letters/dead-letters';
import { REJECTION_CODES } from '../web/review-view';
import { reviewerId, type LaneCommand, type ReviewImage, type Upstream } from '../upstream/upstream';
import { CurrentOperator, OperatorGuard, Requires } from './operator.guard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireUuid(id: string, field = 'path.id'): void {
  if (!UUID.test(id)) throw validationProblem([{ field, code: 'FORMAT', message: 'must be a UUID' }]);
}

function reasonOf(body: unknown, field: string, min = 5): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.length < min || text.length > 500) {
    throw validationProblem([
      { field: `body.${field}`, code: 'LENGTH', message: `state a reason of ${min} to 500 characters` },
    ]);
  }
  return text;
}

const REVIEW_IMAGES: readonly ReviewImage[] = ['source', 'chip', 'print'];

/** The operator as photo screening's reviewer id; an operator name it cannot carry is refused plainly. */
function reviewerOf(operator: Operator): string {
  const id = reviewerId(operator.via, operator.name);
  if (!id)
    throw new ProblemError(
      403,
      'reviewer-id',
      'Operator name not usable as a reviewer id',
      'Photo screening takes reviewer ids of 1-64 letters, digits, . _ @ -.',
    );
  return id;
}

/** An upstream refusal or absence becomes the dashboard's own problem response, naming the service. */
function unwrap<T>(result: Upstream<T>): T {
  if (result.ok) return result.value;
  // The service refusing the dashboard itself (401/403: its key) is a gateway failure, not the operator's.
  const operatorRefused = result.reason === 'refused' && result.status !== 401 && result.status !== 403;
  const status =
    result.reason === 'not-exposed' || result.reason === 'not-configured'
      ? 501
      : operatorRefused
        ? (result.status ?? 409)
        : 502;
  throw new ProblemError(
    status,
    `upstream-${result.reason}`,
    `not available: ${result.service}`,
    result.detail,
    [],
    { service: result.service },
  );
}

@Controller('api')
@UseGuards(OperatorGuard)
export class ApiController implements OnApplicationBootstrap {
  private readonly streams = new Set<Response>();

  constructor(
    private readonly context: DashboardContext,
    private readonly live: LiveFeed,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Open event streams never go idle, so they are ended when the server stops taking requests. */
  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    const close = server.close.bind(server);
    server.close = ((callback?: (error?: Error) => void) => {
      for (const stream of this.streams) stream.end();
      return close(callback);
    }) as Server['close'];
  }

  @Get('overview')
  @Requires('view')
  overview() {
    return this.context.queries().overview(new Date());
  }

  @Get('events')
  @Requires('view')
  events(@Req() request: Request, @Res() response: Response) {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    this.streams.add(response);
    const unsubscribe = this.live.subscribe((items) => {
      response.write(`event: changed\ndata: ${JSON.stringify({ items: items.slice(0, 100) })}\n\n`);
    });
    const ping = setInterval(() => response.write(': ping\n\n'), 15_000);
    request.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      this.streams.delete(response);
    });
  }

  /** Personal data is fetched from intake for this response only, after the reason is in the audit log. */
  @Post('applications/:id/reveal')
  @HttpCode(200)
  @Requires('personal-data.reveal')
  async reveal(@Param('id') id: string, @Body() body: unknown, @CurrentOperator() operator: Operator) {
    requireUuid(id);
    const reason = reasonOf(body, 'reason');
    const manager = this.context.dataSource.manager;
    await audit(manager, {
      ...by(operator),
      action: 'personal-data.reveal',
      target: id,
      applicationId: id,
      reason,
      outcome: 'ok',
    });
    const result = await this.context.intake.personalData(id, `${operator.via}:${operator.name}`, reason);
    if (!result.ok) {
      await audit(manager, {
        ...by(operator),
        action: 'personal-data.reveal',
        target: id,
        applicationId: id,
        reason,
        outcome: 'failed',
        detail: { service: result.service, reason: result.reason },
      });
    }
    const data = unwrap(result);
    return {
      message: 'Revealed; the reason is in the audit log.',
      fields: {
        '氏名 / Name': `${data.familyName} ${data.givenName}`,
        ...(data.familyNameKana
          ? { 'フリガナ / Kana': `${data.familyNameKana} ${data.givenNameKana ?? ''}` }
          : {}),
        '生年月日 / Birth date': data.birthDate,
        ...(data.sex
          ? {
              '性別 / Sex':
                { '1': '男 / male', '2': '女 / female', '9': '– / not stated' }[data.sex] ?? data.sex,
            }
          : {}),
        '住所 / Address': `${data.address.postalCode ? `〒${data.address.postalCode} ` : ''}${data.address.prefecture}${data.address.municipality}${data.address.line}`,
        ...(data.myNumber ? { '個人番号 / My number': data.myNumber } : {}),
      },
    };
  }

  @Get('reviews/:id/images/:which')
  @Requires('photo.review')
  async photo(
    @Param('id') id: string,
    @Param('which') which: string,
    @Res() response: Response,
    @CurrentOperator() operator: Operator,
  ) {
    requireUuid(id);
    if (!(REVIEW_IMAGES as readonly string[]).includes(which))
      throw validationProblem([
        { field: 'path.which', code: 'ENUM', message: 'must be source, chip or print' },
      ]);
    const photo = unwrap(
      await this.context.photoReview.image(id, which as ReviewImage, reviewerOf(operator)),
    );
    await audit(this.context.dataSource.manager, {
      ...by(operator),
      action: 'photo.view',
      target: `${id}/${which}`,
      applicationId: id,
      outcome: 'ok',
    });
    response
      .type(photo.mediaType || 'image/jpeg')
      .set('cache-control', 'no-store')
      .send(photo.bytes);
  }

  @Post('reviews/:id/:decision')
  @HttpCode(200)
  @Requires('photo.review')
  async review(
    @Param('id') id: string,
    @Param('decision') decision: string,
    @Body() body: unknown,
    @CurrentOperator() operator: Operator,
  ) {
    requireUuid(id);
    const reviewer = reviewerOf(operator);
    const client = this.context.photoReview;
    let result: Upstream<unknown>;
    let reason: string | undefined;
    if (decision === 'claim') result = await client.claim(id, reviewer);
    else if (decision === 'release') result = await client.release(id, reviewer);
    else if (decision === 'approve') result = await client.approve(id, reviewer);
    else if (decision === 'reject') {
      reason = reasonOf(body, 'reject-reason');
      const raw = (body as Record<string, unknown>)['reject-code'];
      if (typeof raw !== 'string' || !(REJECTION_CODES as readonly string[]).includes(raw))
        throw validationProblem([
          { field: 'body.reject-code', code: 'ENUM', message: 'choose one of the rejection reasons' },
        ]);
      result = await client.reject(id, reviewer, [raw], reason);
    } else {
      throw validationProblem([
        { field: 'path.decision', code: 'ENUM', message: 'must be claim, release, approve or reject' },
      ]);
    }
    await audit(this.context.dataSource.manager, {
      ...by(operator),
      action: `photo.${decision}`,
      target: id,
      applicationId: id,
      ...(reason ? { reason } : {}),
      outcome: result.ok ? 'ok' : 'failed',
      ...(result.ok
        ? {}
        : { detail: { service: result.service, reason: result.reason, status: result.status } }),
    });
    unwrap(result);
    this.live.changed('reviews');
    return { message: `${decision}: ${id}` };
  }

  @Post('lanes/:lane/:command')
  @HttpCode(200)
  @Requires('lane.command')
  async laneCommand(
    @Param('lane') lane: string,
    @Param('command') command: string,
    @CurrentOperator() operator: Operator,
  ) {
    if (!['pause', 'drain', 'resume'].includes(command)) {
      throw validationProblem([
        { field: 'path.command', code: 'ENUM', message: 'must be pause, drain or resume' },
      ]);
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(lane))
      throw validationProblem([{ field: 'path.lane', code: 'FORMAT', message: 'not a lane id' }]);
    const result = await this.context.lanes.command(
      lane,
      command as LaneCommand,
      `${operator.via}:${operator.name}`,
    );
    await audit(this.context.dataSource.manager, {
      ...by(operator),
      action: `lane.${command}`,
      target: lane,
      outcome: result.ok ? 'ok' : 'failed',
      ...(result.ok
        ? {}
        : { detail: { service: result.service, reason: result.reason, status: result.status } }),
    });
    const status = unwrap(result);
    this.live.changed('lanes');
    return { message: `${lane}: ${command}`, lane: status };
  }

  @Get('lanes/:origin/card-face')
  @Requires('lane.card-faces')
  async cardFace(
    @Param('origin') origin: string,
    @Query('path') path: string,
    @Res() response: Response,
    @CurrentOperator() operator: Operator,
  ) {
    const index = Number(origin);
    if (
      !Number.isInteger(index) ||
      index < 0 ||
      index >= this.context.lanes.lanes.length ||
      typeof path !== 'string'
    ) {
      throw validationProblem([{ field: 'path.origin', code: 'RANGE', message: 'no such lane process' }]);
    }
    const image = unwrap(await this.context.lanes.cardFaceImage(index, path));
    // A card face shows the holder's photo and name: each view is on record.
    await audit(this.context.dataSource.manager, {
      ...by(operator),
      action: 'lane.card-face.view',
      target: path,
      outcome: 'ok',
    });
    response
      .type(image.mediaType || 'image/png')
      .set('cache-control', 'no-store')
      .send(image.bytes);
  }

  @Post('dead-letters/:id/:resolution')
  @HttpCode(200)
  @Requires('dead-letter.replay')
  async resolve(
    @Param('id') id: string,
    @Param('resolution') resolution: string,
    @CurrentOperator() operator: Operator,
  ) {
    if (!/^[0-9]{1,18}$/.test(id))
      throw validationProblem([{ field: 'path.id', code: 'FORMAT', message: 'not a dead letter id' }]);
    if (resolution !== 'replay' && resolution !== 'discard') {
      throw validationProblem([
        { field: 'path.resolution', code: 'ENUM', message: 'must be replay or discard' },
      ]);
    }
    const actor = `${operator.via}:${operator.name}`;
    try {
      const letter = await this.context.dataSource.transaction(async (manager) => {
        const resolved = await resolveDeadLetter(
          manager,
          this.context.bus,
          id,
          resolution === 'replay' ? 'replayed' : 'discarded',
          actor,
        );
        await audit(manager, {
          ...by(operator),
          action: `dead-letter.${resolution}`,
          target: `${resolved.dltTopic}#${id}`,
          ...(resolved.key && UUID.test(resolved.key) ? { applicationId: resolved.key } : {}),
          outcome: 'ok',
          detail: { eventId: resolved.eventId, sourceTopic: resolved.sourceTopic },
        });
        return resolved;
      });
      this.live.changed('dead-letters');
      return { message: `#${id} ${letter.status}`, eventId: letter.eventId, topic: letter.sourceTopic };
    } catch (error) {
      if (error instanceof DeadLetterNotFoundError)
        throw new ProblemError(404, 'not-found', 'No such dead letter', error.message);
      if (error instanceof DeadLetterStateError)
        throw new ProblemError(409, 'conflict', 'Already resolved', error.message);
      throw error;
    }
  }
}
