import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { PipelineConfig } from '@mnc/config';
import { PIPELINE_CONFIG, ProblemError, validationProblem, type FieldProblem } from '@mnc/stage-runtime';
import { TRACKING_STATUSES, type TrackingStatus, type TrackingUpdate } from './carrier';
import {
  ReplayedTrackingEventError,
  TrackingService,
  UnknownTrackingNumberError,
  type TrackingOutcome,
} from './tracking.service';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from './webhook-signature';

export class WebhookRefusedError extends ProblemError {}

/** Checks the signature of a raw webhook body, then parses it; every refusal changes nothing. */
export function parseTrackingWebhook(body: unknown): TrackingUpdate {
  const errors: FieldProblem[] = [];
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (field: string, pattern: RegExp) => {
    const value = b[field];
    if (typeof value !== 'string' || !pattern.test(value))
      errors.push({ field: `body.${field}`, code: 'FORMAT', message: `must match ${pattern}` });
    return value as string;
  };
  const eventId = text('eventId', /^[\x21-\x7e]{1,100}$/);
  const trackingNumber = text('trackingNumber', /^[0-9A-Z-]{1,40}$/);
  const status = b['status'];
  if (typeof status !== 'string' || !(TRACKING_STATUSES as readonly string[]).includes(status))
    errors.push({
      field: 'body.status',
      code: 'ONE_OF',
      message: `must be one of ${TRACKING_STATUSES.join(', ')}`,
    });
  const at = b['at'];
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)))
    errors.push({ field: 'body.at', code: 'FORMAT', message: 'must be an RFC 3339 date-time' });
  if (errors.length > 0) throw validationProblem(errors);
  return { eventId, trackingNumber, status: status as TrackingStatus, at: new Date(at as string) };
}

/** Receives the carrier's signed tracking webhooks; the simulated carrier reports through the same path. */
@Controller('v1/carrier')
export class TrackingWebhookController {
  constructor(
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    private readonly tracking: TrackingService,
  ) {}

  @Post('tracking-events')
  @HttpCode(200)
  async receive(@Req() request: Request & { rawBody?: Buffer }, @Body() body: unknown) {
    return { outcome: await this.handle(request.rawBody, request.headers, body) };
  }

  async handle(
    rawBody: Buffer | undefined,
    headers: Record<string, string | string[] | undefined>,
    body: unknown,
  ): Promise<TrackingOutcome> {
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const problem = verifyWebhook({
      secret: this.config.carrierWebhookSecret,
      rawBody: rawBody ?? Buffer.alloc(0),
      signature: header(SIGNATURE_HEADER),
      timestamp: header(TIMESTAMP_HEADER),
      now: new Date(),
    });
    if (problem)
      throw new ProblemError(
        401,
        `webhook-${problem}`,
        'Webhook refused',
        `The webhook signature check failed: ${problem}.`,
        [
          {
            field: `header.${problem === 'stale-timestamp' || problem === 'malformed-timestamp' ? 'X-Carrier-Timestamp' : 'X-Carrier-Signature'}`,
            code: problem.toUpperCase().replace(/-/g, '_'),
            message: problem,
          },
        ],
      );
    const update = parseTrackingWebhook(body);
    try {
      return await this.tracking.record(update);
    } catch (error) {
      if (error instanceof UnknownTrackingNumberError)
        throw new ProblemError(404, 'unknown-tracking-number', 'Unknown tracking number', error.message, [
          { field: 'body.trackingNumber', code: 'UNKNOWN', message: 'no shipment has this tracking number' },
        ]);
      if (error instanceof ReplayedTrackingEventError)
        throw new ProblemError(
          409,
          'replayed-tracking-event',
          'Tracking event already received',
          error.message,
          [{ field: 'body.eventId', code: 'REPLAYED', message: 'this event was already received' }],
        );
      throw error;
    }
  }
}
