import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { slaClock } from '@mnc/domain-card-lifecycle';
import { DATA_SOURCE, japanDate, ProblemError, validationProblem } from '@mnc/stage-runtime';
import { CardSetupEntity } from './card-setup.entity';
import { CardEntity, CardTransitionEntity, SlaClockEntity } from './entities';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidParam(id: string): string {
  if (!UUID.test(id))
    throw validationProblem([{ field: 'path.id', code: 'FORMAT', message: 'must be a UUID' }]);
  return id;
}

/** Read-only views of pre-delivery's records: an application's SLA clock and its card's lifecycle. */
@Controller('v1/applications')
export class CardsController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get(':id/sla')
  async sla(@Param('id') id: string) {
    const clock = await this.dataSource.manager.findOneBy(SlaClockEntity, { applicationId: uuidParam(id) });
    if (!clock)
      throw new ProblemError(404, 'not-found', 'No SLA clock', `Pre-delivery has no clock for ${id}.`);
    return {
      applicationId: id,
      ...slaClock({
        route: clock.route,
        startedOn: clock.startedOn,
        today: japanDate(),
        stoppedOn: clock.stoppedOn,
      }),
    };
  }

  @Get(':id/card')
  async card(@Param('id') id: string) {
    const card = await this.dataSource.manager.findOneBy(CardEntity, { applicationId: uuidParam(id) });
    if (!card) throw new ProblemError(404, 'not-found', 'No card', `Pre-delivery has no card for ${id}.`);
    const [transitions, setup] = await Promise.all([
      this.dataSource.manager.find(CardTransitionEntity, {
        where: { cardId: card.cardId },
        order: { seq: 'ASC' },
      }),
      this.dataSource.manager.findOneBy(CardSetupEntity, { cardId: card.cardId }),
    ]);
    return {
      applicationId: card.applicationId,
      cardId: card.cardId,
      state: card.state,
      route: card.route,
      cardProfile: card.cardProfile,
      letters: (setup?.letters ?? []).map((l) => ({ kind: l.kind, mailing: l.mailing, pdf: l.pdf.hash })),
      transitions: transitions.map((t) => ({
        from: t.fromState,
        to: t.toState,
        command: t.command,
        certificates: t.certificateAction,
        reason: t.certificateReason,
        at: t.changedAt.toISOString(),
      })),
    };
  }
}
