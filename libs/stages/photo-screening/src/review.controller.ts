import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ProblemError, validationProblem } from '@mnc/stage-runtime';
import type { ReviewState } from './review.entities';
import { parseNote, parseRejection, ReviewService, type ReviewImage } from './review.service';

/**
 * Who is reviewing, from the `X-Reviewer-Id` header. Until the operator dashboard brings operator login,
 * this API must only be reachable through a gateway that authenticates the reviewer and sets the header;
 * the id goes into the audit trail of every action.
 */
export const REVIEWER_HEADER = 'x-reviewer-id';
const REVIEWER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function reviewerFrom(header: string | undefined): string {
  if (header === undefined) {
    throw new ProblemError(
      401,
      'reviewer-required',
      'Reviewer not identified',
      `Send the ${REVIEWER_HEADER} header.`,
      [{ field: `header.${REVIEWER_HEADER}`, code: 'REQUIRED', message: 'The reviewer id is required.' }],
    );
  }
  if (!REVIEWER_ID.test(header)) {
    throw validationProblem([
      { field: `header.${REVIEWER_HEADER}`, code: 'INVALID', message: '1-64 letters, digits, . _ @ -.' },
    ]);
  }
  return header;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function applicationId(id: string): string {
  if (!UUID.test(id))
    throw validationProblem([{ field: 'path.applicationId', code: 'UUID', message: 'Not a UUID.' }]);
  return id;
}

const STATES = ['open', 'waiting', 'claimed', 'approved', 'rejected'] as const;
const IMAGES: readonly ReviewImage[] = ['source', 'chip', 'print'];

/** The photo review queue (the operator dashboard draws it). */
@Controller('v1/photo-reviews')
export class ReviewController {
  constructor(private readonly reviews: ReviewService) {}

  @Get()
  async list(
    @Headers(REVIEWER_HEADER) reviewer: string | undefined,
    @Query('state') state = 'open',
    @Query('limit') limit = '50',
  ) {
    reviewerFrom(reviewer);
    const n = Number(limit);
    const errors = [];
    if (!(STATES as readonly string[]).includes(state)) {
      errors.push({ field: 'query.state', code: 'INVALID', message: `One of ${STATES.join(', ')}.` });
    }
    if (!Number.isInteger(n) || n < 1 || n > 500) {
      errors.push({ field: 'query.limit', code: 'INVALID', message: 'An integer from 1 to 500.' });
    }
    if (errors.length > 0) throw validationProblem(errors);
    return { items: await this.reviews.queue(state as ReviewState | 'open', n) };
  }

  @Get(':applicationId')
  async get(@Headers(REVIEWER_HEADER) reviewer: string | undefined, @Param('applicationId') id: string) {
    reviewerFrom(reviewer);
    return this.reviews.get(applicationId(id));
  }

  @Get(':applicationId/images/:which')
  async image(
    @Headers(REVIEWER_HEADER) reviewer: string | undefined,
    @Param('applicationId') id: string,
    @Param('which') which: string,
    @Res() response: Response,
  ) {
    const who = reviewerFrom(reviewer);
    if (!(IMAGES as readonly string[]).includes(which)) {
      throw validationProblem([{ field: 'path.which', code: 'INVALID', message: 'source, chip or print.' }]);
    }
    const { bytes, ref } = await this.reviews.image(applicationId(id), which as ReviewImage, who);
    response.setHeader('content-type', ref.mediaType);
    response.setHeader('cache-control', 'no-store');
    response.send(bytes);
  }

  @Post(':applicationId/claim')
  @HttpCode(200)
  claim(@Headers(REVIEWER_HEADER) reviewer: string | undefined, @Param('applicationId') id: string) {
    return this.reviews.claim(applicationId(id), reviewerFrom(reviewer));
  }

  @Post(':applicationId/release')
  @HttpCode(200)
  release(@Headers(REVIEWER_HEADER) reviewer: string | undefined, @Param('applicationId') id: string) {
    return this.reviews.release(applicationId(id), reviewerFrom(reviewer));
  }

  @Post(':applicationId/approval')
  @HttpCode(200)
  approve(
    @Headers(REVIEWER_HEADER) reviewer: string | undefined,
    @Param('applicationId') id: string,
    @Body() body: unknown,
  ) {
    const errors: { field: string; code: string; message: string }[] = [];
    const note = parseNote((body as { note?: unknown } | undefined)?.note, errors);
    if (errors.length > 0) throw validationProblem(errors);
    return this.reviews.approve(applicationId(id), reviewerFrom(reviewer), note);
  }

  @Post(':applicationId/rejection')
  @HttpCode(200)
  reject(
    @Headers(REVIEWER_HEADER) reviewer: string | undefined,
    @Param('applicationId') id: string,
    @Body() body: unknown,
  ) {
    const who = reviewerFrom(reviewer);
    const { codes, note } = parseRejection(body);
    return this.reviews.reject(applicationId(id), who, codes, note);
  }
}
