import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { japanDate, ProblemError, validationProblem } from '@mnc/stage-runtime';
import type { ApplicationEntity, TimelineEntryEntity } from './entities';
import { IntakeService } from './intake.service';
import { parseSubmission } from './submission';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,200}$/;

/** The application's public view: ids, states and times; never personal data. */
function view(application: ApplicationEntity, timeline?: TimelineEntryEntity[]) {
  return {
    id: application.id,
    status: application.status,
    channel: application.channel,
    route: application.route,
    cardProfile: application.cardProfile,
    municipalityCode: application.municipalityCode,
    submittedAt: application.submittedAt.toISOString(),
    updatedAt: application.updatedAt.toISOString(),
    ...(timeline
      ? {
          timeline: timeline.map((t) => ({
            eventId: t.eventId,
            type: t.eventType,
            source: t.source,
            at: t.occurredAt.toISOString(),
          })),
        }
      : {}),
    links: { self: `/v1/applications/${application.id}` },
  };
}

@Controller('v1/applications')
export class ApplicationsController {
  constructor(private readonly intake: IntakeService) {}

  @Post()
  @HttpCode(201)
  async submit(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw validationProblem([
        {
          field: 'header.Idempotency-Key',
          code: 'FORMAT',
          message: 'must be 8 to 200 visible ASCII characters',
        },
      ]);
    }
    const parsed = parseSubmission(body, japanDate());
    if (!parsed.ok) throw validationProblem(parsed.errors);
    const result = await this.intake.submit(
      parsed.value,
      idempotencyKey ? { key: idempotencyKey, requestHash: IntakeService.requestHash(body) } : undefined,
    );
    response.status(result.created ? 201 : 200).location(`/v1/applications/${result.application.id}`);
    return view(result.application);
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    if (!UUID.test(id)) {
      throw validationProblem([{ field: 'path.id', code: 'FORMAT', message: 'must be a UUID' }]);
    }
    const found = await this.intake.find(id);
    if (!found) throw new ProblemError(404, 'not-found', 'Application not found', `No application ${id}.`);
    return view(found.application, found.timeline);
  }
}
