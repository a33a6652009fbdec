import { Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { recentAudit } from '../audit';
import { can } from '../auth/roles';
import type { Operator } from '../auth/session';
import { DashboardContext } from '../dashboard.context';
import { deadLetterCounts, listDeadLetters } from '../dead-letters/dead-letters';
import { forecastBacklog, peakWhatIf } from '../read-model/forecast';
import { reviewerId, type Upstream, type CardFacePreview } from '../upstream/upstream';
import { reviewsBody } from '../web/review-view';
import { CLIENT_SCRIPT } from '../web/client-script';
import type { Html } from '../web/html';
import type { LabelKey } from '../web/i18n';
import { page, type PageContext } from '../web/layout';
import * as views from '../web/pages';
import { langOf } from './lang';
import { CurrentOperator, LoginRedirectFilter, OperatorGuard, Requires } from './operator.guard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The pages, rendered on the server; `?fragment=1` returns only the main section for the live refresh. */
@Controller()
@UseGuards(OperatorGuard)
@UseFilters(LoginRedirectFilter)
export class PagesController {
  constructor(private readonly context: DashboardContext) {}

  @Get('assets/dashboard.js')
  script(@Res() response: Response) {
    response.type('application/javascript').set('cache-control', 'no-cache').send(CLIENT_SCRIPT);
  }

  private send(
    request: Request,
    response: Response,
    operator: Operator,
    title: LabelKey,
    body: (ctx: PageContext) => Html,
    live = true,
  ) {
    const ctx: PageContext = { lang: langOf(request), operator, now: new Date(), path: request.path };
    const content = body(ctx);
    response
      .type('html')
      .set('cache-control', 'no-store')
      .send(request.query['fragment'] === '1' ? content.value : page(ctx, title, content, { live }).value);
  }

  @Get()
  @Requires('view')
  async overview(@Req() request: Request, @Res() response: Response, @CurrentOperator() operator: Operator) {
    const overview = await this.context.queries().overview(new Date());
    this.send(request, response, operator, 'overview', (ctx) => views.overviewBody(ctx, overview));
  }

  @Get('applications')
  @Requires('view')
  async search(
    @Query('q') q: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
    @CurrentOperator() operator: Operator,
  ) {
    const query = typeof q === 'string' ? q.slice(0, 64) : '';
    const results = await this.context.queries().search(query);
    this.send(request, response, operator, 'applications', (ctx) => views.searchBody(ctx, query, results));
  }

  @Get('applications/:id')
  @Requires('view')
  async application(
    @Param('id') id: string,
    @Req() request: Request,
    @Res() response: Response,
    @CurrentOperator() operator: Operator,
  ) {
    const queries = this.context.queries();
    const app = UUID.test(id) ? await queries.application(id) : undefined;
    if (!app) {
      response.status(404).type('text').send(`No application ${id} in the dashboard's read model.`);
      return;
    }
    const timeline = await queries.timeline(id);
    this.send(request, response, operator, 'applications', (ctx) =>
      views.applicationBody(ctx, app, timeline, this.context.intake.http.configured),
    );
  }

  @Get('reviews')
  @Requires('view')
  async reviews(
    @Query('item') item: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
    @CurrentOperator() operator: Operator,
  ) {
    const reviewer = reviewerId(operator.via, operator.name);
    const refused = {
      ok: false,
      service: 'photo-screening',
      reason: 'refused',
      detail: `operator name ${operator.name} is not usable as a reviewer id`,
    } as const;
    const queue = reviewer ? await this.context.photoReview.queue(reviewer) : refused;
    const selected =
      queue.ok && item && UUID.test(item) ? item : queue.ok ? queue.value.items[0]?.applicationId : undefined;
    const detail =
      reviewer && selected ? await this.context.photoReview.detail(selected, reviewer) : undefined;
    this.send(request, response, operator, 'reviews', (ctx) => reviewsBody(ctx, queue, detail), false);
  }

  @Get('lanes')
  @Requires('view')
  async lanes(@Req() request: Request, @Res() response: Response, @CurrentOperator() operator: Operator) {
    const lanes = await this.context.lanes.list();
    const measured = await this.context.queries().laneRates(new Date());
    const faces = new Map<string, Upstream<{ items: CardFacePreview[] }>>();
    if (can(operator.role, 'lane.card-faces')) {
      for (const lane of lanes.lanes)
        faces.set(lane.id, await this.context.lanes.cardFaces(lane.id, lane.origin));
    }
    this.send(request, response, operator, 'lanes', (ctx) => views.lanesBody(ctx, lanes, measured, faces));
  }

  @Get('dead-letters')
  @Requires('view')
  async deadLetters(
    @Query('topic') topic: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
    @CurrentOperator() operator: Operator,
  ) {
    const manager = this.context.dataSource.manager;
    const counts = await deadLetterCounts(manager);
    const letters = await listDeadLetters(manager, { ...(topic ? { topic } : {}), limit: 100 });
    this.send(request, response, operator, 'deadLetters', (ctx) =>
      views.deadLettersBody(ctx, counts, letters),
    );
  }

  @Get('stuck')
  @Requires('view')
  async stuck(@Req() request: Request, @Res() response: Response, @CurrentOperator() operator: Operator) {
    const items = await this.context.queries().stuck(new Date());
    this.send(request, response, operator, 'stuck', (ctx) =>
      views.stuckBody(ctx, items, this.context.config.dashboard.stageThresholdSeconds),
    );
  }

  @Get('revocations')
  @Requires('view')
  async revocations(
    @Req() request: Request,
    @Res() response: Response,
    @CurrentOperator() operator: Operator,
  ) {
    const now = new Date();
    const [fromEvents, pki, crl] = await Promise.all([
      this.context.queries().certificateActions(),
      this.context.pki.revocations(),
      this.context.pki.crls(now),
    ]);
    this.send(request, response, operator, 'revocations', (ctx) =>
      views.revocationsBody(ctx, fromEvents, pki, crl),
    );
  }

  @Get('forecast')
  @Requires('view')
  async forecast(@Req() request: Request, @Res() response: Response, @CurrentOperator() operator: Operator) {
    const now = new Date();
    const queries = this.context.queries();
    const rates = await queries.laneRates(now);
    const laneCardsPerHour = rates.reduce((sum, r) => sum + r.cards, 0);
    const arrivalsPerHour = await queries.completions('stage:intake', now);
    const backlog = await queries.backlog();
    const lanes = rates.length;
    const forecast = forecastBacklog({ backlog, laneCardsPerHour, arrivalsPerHour, now });
    const peaks = peakWhatIf(lanes > 0 ? laneCardsPerHour / lanes : 0, lanes);
    this.send(request, response, operator, 'forecast', (ctx) =>
      views.forecastBody(ctx, { backlog, laneCardsPerHour, arrivalsPerHour, lanes }, forecast, peaks),
    );
  }

  @Get('operators')
  @Requires('operators.read')
  async operators(@Req() request: Request, @Res() response: Response, @CurrentOperator() operator: Operator) {
    const rows = await recentAudit(this.context.dataSource.manager);
    const d = this.context.config.dashboard;
    this.send(
      request,
      response,
      operator,
      'operators',
      (ctx) =>
        views.operatorsBody(
          ctx,
          d.users.map((u) => ({ name: u.name, role: u.role })),
          d.oidc ? { issuer: d.oidc.issuer, rolesClaim: d.oidc.rolesClaim } : undefined,
          rows,
        ),
      false,
    );
  }
}
