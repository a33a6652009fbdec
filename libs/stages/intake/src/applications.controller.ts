import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import type { PipelineConfig } from '@mnc/config';
import {
  birthDateOnCard,
  cardFaceLayout,
  parseIsoDate,
  printedText,
  sexPlacementPolicy,
  unprintableFields,
  type GlyphCoverage,
} from '@mnc/domain-applicant';
import {
  japanDate,
  PIPELINE_CONFIG,
  ProblemError,
  validationProblem,
  type FieldProblem,
} from '@mnc/stage-runtime';
import { APPLICATION_STATUSES, type ApplicationStatus } from './application-status';
import { type ApiClient, canActFor } from './auth/api-client';
import { ApiClientGuard, type AuthenticatedRequest } from './auth/api-client.guard';
import { CARD_FONT_COVERAGE } from './card-font';
import type { ApplicationEntity, ReviewNote } from './entities';
import { IntakeService, READ_PURPOSES, type ReadPurpose } from './intake.service';
import { readMultipartSubmission } from './multipart';
import { checkPhoto } from './photo';
import { fieldError, IDENTITY_DOCUMENTS, parseSubmission, type Attestation } from './submission';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,200}$/;
const STAFF_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The application's public view: ids, states and times; never personal data. */
export function applicationView(
  application: ApplicationEntity,
  timeline?: { eventId: string; type: string; source: string; at: Date }[],
) {
  return {
    id: application.id,
    status: application.status,
    channel: application.channel,
    route: application.route,
    cardProfile: application.cardProfile,
    municipalityCode: application.municipalityCode,
    submittedAt: application.submittedAt.toISOString(),
    updatedAt: application.updatedAt.toISOString(),
    ...(application.cardId ? { cardId: application.cardId } : {}),
    ...(application.replacesApplicationId
      ? { replacesApplicationId: application.replacesApplicationId }
      : {}),
    ...(application.identityCheck ? { identityCheck: application.identityCheck } : {}),
    ...(application.review ? { review: application.review } : {}),
    ...(application.closedReason ? { closedReason: application.closedReason } : {}),
    ...(timeline
      ? {
          timeline: timeline.map((t) => ({
            eventId: t.eventId,
            type: t.type,
            source: t.source,
            at: new Date(t.at).toISOString(),
          })),
        }
      : {}),
    links: { self: `/v1/applications/${application.id}` },
  };
}

export function assertUuid(value: string, field: string): void {
  if (!UUID.test(value))
    throw validationProblem([{ field, code: 'FORMAT', message: `${field} must be a UUID` }]);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An official's attestation in a request body (`identityCheck`, `reportedBy`): who checked, with what. */
export function parseOfficialCheck(body: unknown, field: string): Attestation {
  const value = isRecord(body) ? body[field] : undefined;
  const errors: FieldProblem[] = [];
  if (!isRecord(body)) errors.push(fieldError('body', 'NOT_AN_OBJECT'));
  if (!isRecord(value)) {
    errors.push(fieldError(field, value === undefined ? 'REQUIRED' : 'NOT_AN_OBJECT'));
    throw validationProblem(errors);
  }
  if (typeof value['officialId'] !== 'string' || !STAFF_ID.test(value['officialId']))
    errors.push(
      fieldError(`${field}.officialId`, value['officialId'] === undefined ? 'REQUIRED' : 'STAFF_ID'),
    );
  const name = value['officialName'];
  if (
    typeof name !== 'string' ||
    name.trim() === '' ||
    [...name].length > 50 ||
    /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u.test(name)
  )
    errors.push(fieldError(`${field}.officialName`, name === undefined ? 'REQUIRED' : 'FORBIDDEN_CHARACTER'));
  if (!IDENTITY_DOCUMENTS.includes(value['document'] as (typeof IDENTITY_DOCUMENTS)[number]))
    errors.push(fieldError(`${field}.document`, value['document'] === undefined ? 'REQUIRED' : 'ONE_OF'));
  if (errors.length > 0) throw validationProblem(errors);
  return {
    officialId: value['officialId'] as string,
    officialName: (name as string).normalize('NFC'),
    document: value['document'] as Attestation['document'],
  };
}

function purposeOf(header: string | undefined): ReadPurpose {
  if (!READ_PURPOSES.includes(header as ReadPurpose)) {
    throw validationProblem([
      {
        field: 'header.X-Purpose',
        code: header === undefined ? 'REQUIRED' : 'ONE_OF',
        message: `header.X-Purpose must say why personal data is read: one of ${READ_PURPOSES.join(', ')}`,
      },
    ]);
  }
  return header as ReadPurpose;
}

@Controller('v1')
@UseGuards(ApiClientGuard)
export class ApplicationsController {
  constructor(
    private readonly intake: IntakeService,
    @Inject(CARD_FONT_COVERAGE) private readonly font: GlyphCoverage,
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
  ) {}

  /** Every channel submits here: JSON with the photo inline (base64), or multipart/form-data with the file. */
  @Post('applications')
  @HttpCode(201)
  async submit(
    @Req() request: AuthenticatedRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw validationProblem([
        {
          field: 'header.Idempotency-Key',
          code: 'FORMAT',
          message: 'header.Idempotency-Key must be 8 to 200 visible ASCII characters',
        },
      ]);
    }
    const client = request.apiClient;
    let body: unknown;
    let upload: { bytes: Buffer; mediaType?: string } | undefined;
    if (request.is('multipart/form-data')) {
      const multipart = await readMultipartSubmission(request, response);
      body = multipart.application;
      upload = multipart.photo;
    } else if (request.is('application/json')) {
      body = request.body;
    } else {
      throw new ProblemError(
        415,
        'unsupported-media-type',
        'Unsupported Media Type',
        'Send application/json or multipart/form-data.',
        [
          {
            field: 'header.Content-Type',
            code: 'ONE_OF',
            message: 'header.Content-Type must be application/json or multipart/form-data',
          },
        ],
      );
    }
    const parsed = parseSubmission(body, japanDate(), upload);
    if (!parsed.ok) throw validationProblem(parsed.errors);
    const submission = parsed.value;
    if (!canActFor(client, submission.applicant.localGovernmentCode)) {
      throw new ProblemError(
        403,
        'forbidden-municipality',
        'Not your municipality',
        'This client may not submit for that municipality.',
        [
          {
            field: 'applicant.localGovernmentCode',
            code: 'OUT_OF_SCOPE',
            message: 'applicant.localGovernmentCode is not a municipality this client acts for',
          },
        ],
      );
    }
    const photo = await checkPhoto(submission.photo.bytes, undefined, upload ? 'photo' : 'photo.data');
    if (!photo.ok) throw validationProblem([photo.error]);

    // Characters the print font lacks are not substituted: a person decides (review), the data stays as given.
    const unprintable = unprintableFields(printedText(submission.applicant), this.font);
    const review: ReviewNote | undefined =
      unprintable.length > 0
        ? {
            reasons: unprintable.map((u) => ({
              field: u.field,
              code: 'GLYPH_NOT_IN_CARD_FONT',
              codePoints: u.codePoints,
            })),
          }
        : undefined;
    const result = await this.intake.submit(submission, client, {
      ...(idempotencyKey
        ? {
            idempotency: { key: idempotencyKey, requestHash: IntakeService.requestHash(body, upload?.bytes) },
          }
        : {}),
      ...(review ? { review } : {}),
    });
    response.status(result.created ? 201 : 200).location(`/v1/applications/${result.application.id}`);
    return applicationView(result.application);
  }

  @Get('applications')
  async list(
    @Req() request: AuthenticatedRequest,
    @Query('municipalityCode') municipalityCode?: string,
    @Query('status') status?: string,
    @Query('before') before?: string,
    @Query('limit') limit?: string,
  ) {
    const errors: FieldProblem[] = [];
    const client: ApiClient = request.apiClient;
    if (municipalityCode !== undefined) {
      if (typeof municipalityCode !== 'string' || !/^[0-9]{6}$/.test(municipalityCode))
        errors.push({
          field: 'query.municipalityCode',
          code: 'FORMAT',
          message: 'query.municipalityCode must be 6 digits',
        });
      else if (!canActFor(client, municipalityCode))
        throw new ProblemError(
          403,
          'forbidden-municipality',
          'Not your municipality',
          'This client may not list that municipality.',
          [
            {
              field: 'query.municipalityCode',
              code: 'OUT_OF_SCOPE',
              message: 'query.municipalityCode is not a municipality this client acts for',
            },
          ],
        );
    }
    if (status !== undefined && !APPLICATION_STATUSES.includes(status as ApplicationStatus))
      errors.push({ field: 'query.status', code: 'ONE_OF', message: 'query.status is not a known status' });
    if (before !== undefined && (typeof before !== 'string' || !UUID.test(before)))
      errors.push({ field: 'query.before', code: 'FORMAT', message: 'query.before must be a UUID' });
    const size = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 200)
      errors.push({
        field: 'query.limit',
        code: 'RANGE',
        message: 'query.limit must be an integer from 1 to 200',
      });
    if (errors.length > 0) throw validationProblem(errors);
    const applications = await this.intake.list(client, {
      ...(municipalityCode ? { municipalityCode } : {}),
      ...(status ? { status: status as ApplicationStatus } : {}),
      ...(before ? { before } : {}),
      limit: size,
    });
    const last = applications.at(-1);
    return {
      items: applications.map((a) => applicationView(a)),
      ...(applications.length === size && last
        ? {
            // The next page keeps the filters: a page of one status must not continue with every status.
            next: `/v1/applications?${new URLSearchParams({
              ...(municipalityCode ? { municipalityCode } : {}),
              ...(status ? { status } : {}),
              before: last.id,
              limit: String(size),
            }).toString()}`,
          }
        : {}),
    };
  }

  /** Status and timeline (every event); no personal data, so no audit entry. */
  @Get('applications/:id')
  async get(@Req() request: AuthenticatedRequest, @Param('id') id: string) {
    assertUuid(id, 'path.id');
    const application = await this.intake.find(id, request.apiClient);
    if (!application)
      throw new ProblemError(404, 'not-found', 'Application not found', `No application ${id}.`);
    return applicationView(application, await this.intake.timeline(id));
  }

  /** The applicant's personal data, for the counter: audited, with the reason given in X-Purpose. */
  @Get('applications/:id/applicant')
  async applicant(
    @Req() request: AuthenticatedRequest,
    @Param('id') id: string,
    @Headers('x-purpose') purpose?: string,
  ) {
    assertUuid(id, 'path.id');
    const { application, applicant } = await this.intake.readPersonalData(
      id,
      request.apiClient,
      'applicant',
      purposeOf(purpose),
    );
    const record = applicant!;
    return {
      ...record,
      // The counter checks the number against the card; the full number is never sent back.
      myNumber: `********${record.myNumber.slice(8)}`,
      // How the card face will show it: the layout of the card profile and both birth-date forms.
      cardFace: {
        layout: cardFaceLayout(
          application.cardProfile,
          { alias: record.alias !== undefined, formerSurname: record.formerSurname !== undefined },
          sexPlacementPolicy(this.config.cardFaceSexPlacement),
        ),
        birthDate: birthDateOnCard(parseIsoDate(record.birthDate)),
      },
    };
  }

  @Get('applications/:id/photo')
  async photo(
    @Req() request: AuthenticatedRequest,
    @Param('id') id: string,
    @Res() response: Response,
    @Headers('x-purpose') purpose?: string,
  ) {
    assertUuid(id, 'path.id');
    const { application, photo } = await this.intake.readPersonalData(
      id,
      request.apiClient,
      'photo',
      purposeOf(purpose),
    );
    response.status(200).type(application.photo.mediaType).setHeader('Cache-Control', 'no-store');
    response.send(photo);
  }

  @Post('applications/:id/cancellation')
  @HttpCode(200)
  async cancel(@Req() request: AuthenticatedRequest, @Param('id') id: string, @Body() body: unknown) {
    assertUuid(id, 'path.id');
    const reason = isRecord(body) ? body['reason'] : undefined;
    if (
      typeof reason !== 'string' ||
      reason.trim() === '' ||
      [...reason].length > 200 ||
      /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u.test(reason)
    ) {
      throw validationProblem([fieldError('reason', reason === undefined ? 'REQUIRED' : 'TOO_LONG')]);
    }
    return applicationView(await this.intake.cancel(id, request.apiClient, reason.normalize('NFC')));
  }

  /** The decision on an application held in review: approve sends it on, cancel withdraws it. */
  @Post('applications/:id/review-decision')
  @HttpCode(200)
  async decideReview(@Req() request: AuthenticatedRequest, @Param('id') id: string, @Body() body: unknown) {
    assertUuid(id, 'path.id');
    const input = isRecord(body) ? body : {};
    const errors: FieldProblem[] = [];
    if (input['decision'] !== 'approve' && input['decision'] !== 'cancel')
      errors.push(fieldError('decision', input['decision'] === undefined ? 'REQUIRED' : 'ONE_OF'));
    if (typeof input['officialId'] !== 'string' || !STAFF_ID.test(input['officialId']))
      errors.push(fieldError('officialId', input['officialId'] === undefined ? 'REQUIRED' : 'STAFF_ID'));
    if (errors.length > 0) throw validationProblem(errors);
    return applicationView(
      await this.intake.decideReview(
        id,
        request.apiClient,
        input['decision'] as 'approve' | 'cancel',
        input['officialId'] as string,
      ),
    );
  }

  /** The card was handed over at the counter after the named official checked the holder's identity. */
  @Post('applications/:id/handover')
  @HttpCode(200)
  async handOver(@Req() request: AuthenticatedRequest, @Param('id') id: string, @Body() body: unknown) {
    assertUuid(id, 'path.id');
    const check = parseOfficialCheck(body, 'identityCheck');
    return applicationView(await this.intake.handOver(id, request.apiClient, check));
  }

  /**
   * A card reported lost: the card's application closes, an express reissue application is created and
   * `card.loss-reported` goes out (the card lifecycle suspends the card). Repeating the report returns the
   * same reissue.
   */
  @Post('cards/:cardId/loss-report')
  @HttpCode(201)
  async reportLost(
    @Req() request: AuthenticatedRequest,
    @Param('cardId') cardId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    assertUuid(cardId, 'path.cardId');
    const reportedBy = parseOfficialCheck(body, 'reportedBy');
    const earlier = await this.intake.reissueOf(cardId, request.apiClient);
    const result = earlier
      ? { reissue: earlier, created: false }
      : await this.intake.reportLost(cardId, request.apiClient, reportedBy);
    response.status(result.created ? 201 : 200).location(`/v1/applications/${result.reissue.id}`);
    return { cardId, reissue: applicationView(result.reissue) };
  }

  /** A card reported lost was found again: `card.found-reported` (the lifecycle lifts the hold). */
  @Post('cards/:cardId/found-report')
  @HttpCode(200)
  async reportFound(
    @Req() request: AuthenticatedRequest,
    @Param('cardId') cardId: string,
    @Body() body: unknown,
  ) {
    assertUuid(cardId, 'path.cardId');
    const reportedBy = parseOfficialCheck(body, 'reportedBy');
    return applicationView(await this.intake.reportFound(cardId, request.apiClient, reportedBy));
  }

  /** The resident register reported the holder's death: `card.holder-deceased` (the lifecycle revokes the card). */
  @Post('cards/:cardId/holder-deceased')
  @HttpCode(200)
  async reportHolderDeceased(
    @Req() request: AuthenticatedRequest,
    @Param('cardId') cardId: string,
    @Body() body: unknown,
  ) {
    assertUuid(cardId, 'path.cardId');
    const reportedBy = parseOfficialCheck(body, 'reportedBy');
    return applicationView(await this.intake.reportHolderDeceased(cardId, request.apiClient, reportedBy));
  }
}
