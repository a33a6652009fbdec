import { Module } from '@nestjs/common';
import { defineStage } from '@mnc/stage-runtime';
import { DashboardContext, LiveFeed } from './dashboard.context';
import { DeadLetterCollector } from './dead-letters/dead-letter.collector';
import { ApiController } from './http/api.controller';
import { AuthController } from './http/auth.controller';
import { OperatorGuard } from './http/operator.guard';
import { PagesController } from './http/pages.controller';
import { ProjectionConsumer } from './projection.consumer';
import { DASHBOARD_SCHEMA, DashboardInit1764300000000 } from './read-model/migrations';

export { hashPassword, verifyPassword } from './auth/passwords';
export { ACTIONS, can, type Action } from './auth/roles';
export { evolve, PIPELINE_STAGES, type ApplicationView } from './read-model/projection';
export { forecastBacklog, peakWhatIf } from './read-model/forecast';
export { DASHBOARD_SCHEMA } from './read-model/migrations';
export { ReadModelQueries } from './read-model/read-model';
export { projectionHandlers } from './projection.consumer';

@Module({
  controllers: [AuthController, PagesController, ApiController],
  providers: [DashboardContext, LiveFeed, OperatorGuard, ProjectionConsumer, DeadLetterCollector],
  exports: [ProjectionConsumer, DeadLetterCollector],
})
export class DashboardModule {}

/**
 * The operator dashboard as a process of the stage runtime: it gets the database (its own schema), the bus,
 * health, metrics and logs like any stage. Its consumer folds every catalogue event into the read model;
 * its worker collects the dead-letter topics.
 */
export const dashboardStage = defineStage({
  name: 'operator-dashboard',
  store: { schema: DASHBOARD_SCHEMA, entities: [], migrations: [DashboardInit1764300000000] },
  module: DashboardModule,
  consumer: ProjectionConsumer,
  workers: [DeadLetterCollector],
});
