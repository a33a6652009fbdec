import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@mnc/contracts';
import { DASHBOARD_SCHEMA as S } from './migrations';
import {
  certificateAction,
  evolve,
  PIPELINE_STAGES,
  STAGE_COMPLETED_BY,
  summarise,
  type ApplicationView,
  type SlaPolicy,
} from './projection';

interface ApplicationRow {
  id: string;
  position: ApplicationView['position'];
  route: 'normal' | 'express' | null;
  channel: string | null;
  card_profile: string | null;
  municipality_code: string | null;
  card_id: string | null;
  card_number: string | null;
  lane: string | null;
  lifecycle: string | null;
  submitted_at: Date | null;
  position_since: Date;
  finished_at: Date | null;
  sla_due_at: Date | null;
  updated_at: Date;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);

export function toView(row: ApplicationRow): ApplicationView {
  const optional = <K extends keyof ApplicationView>(key: K, value: ApplicationView[K] | null | undefined) =>
    value === null || value === undefined ? {} : { [key]: value };
  return {
    id: row.id,
    position: row.position,
    positionSince: iso(row.position_since)!,
    updatedAt: iso(row.updated_at)!,
    ...optional('route', row.route),
    ...optional('channel', row.channel),
    ...optional('cardProfile', row.card_profile),
    ...optional('municipalityCode', row.municipality_code),
    ...optional('cardId', row.card_id),
    ...optional('cardNumber', row.card_number),
    ...optional('lane', row.lane),
    ...optional('lifecycle', row.lifecycle),
    ...optional('submittedAt', iso(row.submitted_at)),
    ...optional('finishedAt', iso(row.finished_at)),
    ...optional('slaDueAt', iso(row.sla_due_at)),
  };
}

/** Applies one event to the read model inside the consumer's inbox transaction. */
export async function projectEvent(
  manager: EntityManager,
  event: EventEnvelope,
  sla: SlaPolicy,
): Promise<ApplicationView> {
  const [row] = (await manager.query(`SELECT * FROM ${S}.applications WHERE id = $1 FOR UPDATE`, [
    event.subject,
  ])) as ApplicationRow[];
  const view = evolve(row ? toView(row) : undefined, event, sla);
  await manager.query(
    `INSERT INTO ${S}.applications (id, position, route, channel, card_profile, municipality_code, card_id,
       card_number, lane, lifecycle, submitted_at, position_since, finished_at, sla_due_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (id) DO UPDATE SET position = $2, route = $3, channel = $4, card_profile = $5,
       municipality_code = $6, card_id = $7, card_number = $8, lane = $9, lifecycle = $10, submitted_at = $11,
       position_since = $12, finished_at = $13, sla_due_at = $14, updated_at = $15`,
    [
      view.id,
      view.position,
      view.route ?? null,
      view.channel ?? null,
      view.cardProfile ?? null,
      view.municipalityCode ?? null,
      view.cardId ?? null,
      view.cardNumber ?? null,
      view.lane ?? null,
      view.lifecycle ?? null,
      view.submittedAt ?? null,
      view.positionSince,
      view.finishedAt ?? null,
      view.slaDueAt ?? null,
      view.updatedAt,
    ],
  );
  await manager.query(
    `INSERT INTO ${S}.timeline (application_id, event_id, event_type, source, occurred_at, summary)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING`,
    [event.subject, event.id, event.type, event.source, event.time, summarise(event)],
  );
  const stage = STAGE_COMPLETED_BY[event.type];
  if (stage) await countCompletion(manager, `stage:${stage}`, event.time, 1);
  if (event.type === 'card.encoded') {
    const data = event.data as EventEnvelope<'card.encoded'>['data'];
    // One good card per event; its attempt number says how many blanks it took (the others were spoiled).
    await countCompletion(manager, `lane:${data.lane}`, event.time, data.attempt);
  }
  const certificates = certificateAction(event);
  if (certificates) {
    await manager.query(
      `INSERT INTO ${S}.certificate_actions (event_id, application_id, card_id, action, reason, sub_reason, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [
        event.id,
        event.subject,
        certificates.cardId,
        certificates.action,
        certificates.reason ?? null,
        certificates.subReason ?? null,
        event.time,
      ],
    );
  }
  return view;
}

async function countCompletion(manager: EntityManager, series: string, at: string, attempts: number) {
  await manager.query(
    `INSERT INTO ${S}.throughput (series, minute, count, attempts) VALUES ($1, date_trunc('minute', $2::timestamptz), 1, $3)
     ON CONFLICT (series, minute) DO UPDATE SET count = throughput.count + 1, attempts = throughput.attempts + $3`,
    [series, at, attempts],
  );
}

export interface StageLoad {
  readonly stage: string;
  readonly waiting: number;
  readonly express: number;
  readonly oldestSince?: string;
  readonly stuck: number;
}

export interface Overview {
  readonly stages: readonly StageLoad[];
  readonly finished: Readonly<Record<string, number>>;
  readonly slaBreaches: number;
  readonly expressOpen: number;
  readonly deadLetters: number;
  /** Completions per stage per minute over the window, oldest first. */
  readonly throughput: readonly {
    readonly series: string;
    readonly points: readonly { minute: string; count: number }[];
  }[];
  readonly windowMinutes: number;
  readonly at: string;
}

/** Queries for the pages. Reads only; the projection above is the only writer of the event tables. */
export class ReadModelQueries {
  constructor(
    private readonly manager: EntityManager,
    private readonly thresholds: Readonly<Record<string, number>>,
  ) {}

  async overview(now: Date, windowMinutes = 60): Promise<Overview> {
    const load = (await this.manager.query(
      `SELECT position, count(*)::int AS waiting, count(*) FILTER (WHERE route = 'express')::int AS express,
              min(position_since) AS oldest
       FROM ${S}.applications WHERE finished_at IS NULL GROUP BY position`,
    )) as { position: string; waiting: number; express: number; oldest: Date }[];
    const stuck = await this.stuckCounts(now);
    const finished = (await this.manager.query(
      `SELECT position, count(*)::int AS n FROM ${S}.applications WHERE finished_at IS NOT NULL GROUP BY position`,
    )) as { position: string; n: number }[];
    const [sla] = (await this.manager.query(
      `SELECT count(*) FILTER (WHERE sla_due_at < coalesce(finished_at, $1))::int AS breaches,
              count(*) FILTER (WHERE route = 'express' AND finished_at IS NULL)::int AS express
       FROM ${S}.applications`,
      [now],
    )) as { breaches: number; express: number }[];
    const [dlt] = (await this.manager.query(
      `SELECT count(*)::int AS n FROM ${S}.dead_letters WHERE status = 'parked'`,
    )) as { n: number }[];
    const since = new Date(now.getTime() - windowMinutes * 60_000);
    const series = (await this.manager.query(
      `SELECT series, minute, count FROM ${S}.throughput WHERE series LIKE 'stage:%' AND minute >= date_trunc('minute', $1::timestamptz)
       ORDER BY minute`,
      [since],
    )) as { series: string; minute: Date; count: number }[];
    const bySeries = new Map<string, { minute: string; count: number }[]>();
    for (const row of series) {
      const name = row.series.slice('stage:'.length);
      const list = bySeries.get(name) ?? [];
      list.push({ minute: new Date(row.minute).toISOString(), count: row.count });
      bySeries.set(name, list);
    }
    return {
      stages: PIPELINE_STAGES.map((stage) => {
        const row = load.find((l) => l.position === stage);
        return {
          stage,
          waiting: row?.waiting ?? 0,
          express: row?.express ?? 0,
          ...(row?.oldest ? { oldestSince: new Date(row.oldest).toISOString() } : {}),
          stuck: stuck.get(stage) ?? 0,
        };
      }),
      finished: Object.fromEntries(finished.map((f) => [f.position, f.n])),
      slaBreaches: sla?.breaches ?? 0,
      expressOpen: sla?.express ?? 0,
      deadLetters: dlt?.n ?? 0,
      throughput: ['intake', ...PIPELINE_STAGES].map((stage) => ({
        series: stage,
        points: bySeries.get(stage) ?? [],
      })),
      windowMinutes,
      at: now.toISOString(),
    };
  }

  private async stuckCounts(now: Date): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    for (const stage of PIPELINE_STAGES) {
      const seconds = this.thresholds[stage];
      if (!seconds) continue;
      const [row] = (await this.manager.query(
        `SELECT count(*)::int AS n FROM ${S}.applications
         WHERE finished_at IS NULL AND position = $1 AND position_since < $2`,
        [stage, new Date(now.getTime() - seconds * 1000)],
      )) as { n: number }[];
      result.set(stage, row?.n ?? 0);
    }
    return result;
  }

  /** Items that have waited in their stage longer than its threshold, oldest first. */
  async stuck(now: Date, limit = 200): Promise<(ApplicationView & { thresholdSeconds: number })[]> {
    const out: (ApplicationView & { thresholdSeconds: number })[] = [];
    for (const stage of PIPELINE_STAGES) {
      const seconds = this.thresholds[stage];
      if (!seconds) continue;
      const rows = (await this.manager.query(
        `SELECT * FROM ${S}.applications WHERE finished_at IS NULL AND position = $1 AND position_since < $2
         ORDER BY position_since LIMIT $3`,
        [stage, new Date(now.getTime() - seconds * 1000), limit],
      )) as ApplicationRow[];
      out.push(...rows.map((r) => ({ ...toView(r), thresholdSeconds: seconds })));
    }
    return out.sort((a, b) => Date.parse(a.positionSince) - Date.parse(b.positionSince)).slice(0, limit);
  }

  async search(query: string, limit = 50): Promise<ApplicationView[]> {
    const q = query.trim();
    let rows: ApplicationRow[];
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(q)) {
      rows = (await this.manager.query(`SELECT * FROM ${S}.applications WHERE id = $1`, [
        q,
      ])) as ApplicationRow[];
    } else if (/^[0-9A-Z]{12}$/.test(q)) {
      rows = (await this.manager.query(`SELECT * FROM ${S}.applications WHERE card_number = $1`, [
        q,
      ])) as ApplicationRow[];
    } else if (/^[0-9]{6}$/.test(q)) {
      rows = (await this.manager.query(
        `SELECT * FROM ${S}.applications WHERE municipality_code = $1 ORDER BY updated_at DESC LIMIT $2`,
        [q, limit],
      )) as ApplicationRow[];
    } else if (q === '') {
      rows = (await this.manager.query(`SELECT * FROM ${S}.applications ORDER BY updated_at DESC LIMIT $1`, [
        limit,
      ])) as ApplicationRow[];
    } else {
      return [];
    }
    return rows.map(toView);
  }

  async application(id: string): Promise<ApplicationView | undefined> {
    const [row] = (await this.manager.query(`SELECT * FROM ${S}.applications WHERE id = $1`, [
      id,
    ])) as ApplicationRow[];
    return row ? toView(row) : undefined;
  }

  /** Every event and every operator action on the application, in time order. */
  async timeline(
    id: string,
  ): Promise<{ kind: 'event' | 'action'; at: string; what: string; by: string; detail: string }[]> {
    const events = (await this.manager.query(
      `SELECT event_type, source, occurred_at, summary FROM ${S}.timeline WHERE application_id = $1`,
      [id],
    )) as { event_type: string; source: string; occurred_at: Date; summary: string }[];
    const actions = (await this.manager.query(
      `SELECT at, actor, action, reason, outcome FROM ${S}.audit_log WHERE application_id = $1`,
      [id],
    )) as { at: Date; actor: string; action: string; reason: string | null; outcome: string }[];
    return [
      ...events.map((e) => ({
        kind: 'event' as const,
        at: new Date(e.occurred_at).toISOString(),
        what: e.event_type,
        by: e.source,
        detail: e.summary,
      })),
      ...actions.map((a) => ({
        kind: 'action' as const,
        at: new Date(a.at).toISOString(),
        what: a.action,
        by: a.actor,
        detail: [a.outcome, a.reason].filter(Boolean).join(': '),
      })),
    ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  async certificateActions(limit = 100) {
    return (await this.manager.query(
      `SELECT application_id, card_id, action, reason, sub_reason, occurred_at FROM ${S}.certificate_actions
       ORDER BY occurred_at DESC LIMIT $1`,
      [limit],
    )) as {
      application_id: string;
      card_id: string;
      action: string;
      reason: string | null;
      sub_reason: string | null;
      occurred_at: Date;
    }[];
  }

  /** Good cards and blanks used per lane over the last `minutes`, from card.encoded events. */
  async laneRates(now: Date, minutes = 60): Promise<{ lane: string; cards: number; attempts: number }[]> {
    return (await this.manager.query(
      `SELECT substr(series, 6) AS lane, sum(count)::int AS cards, sum(attempts)::int AS attempts
       FROM ${S}.throughput WHERE series LIKE 'lane:%' AND minute >= date_trunc('minute', $1::timestamptz)
       GROUP BY series ORDER BY series`,
      [new Date(now.getTime() - minutes * 60_000)],
    )) as { lane: string; cards: number; attempts: number }[];
  }

  async completions(series: string, now: Date, minutes = 60): Promise<number> {
    const [row] = (await this.manager.query(
      `SELECT coalesce(sum(count), 0)::int AS n FROM ${S}.throughput WHERE series = $1 AND minute >= date_trunc('minute', $2::timestamptz)`,
      [series, new Date(now.getTime() - minutes * 60_000)],
    )) as { n: number }[];
    return row?.n ?? 0;
  }

  /** Applications that still need a card: the lanes' backlog. */
  async backlog(): Promise<number> {
    const [row] = (await this.manager.query(
      `SELECT count(*)::int AS n FROM ${S}.applications
       WHERE finished_at IS NULL AND position IN ('photo-screening', 'issuance-data', 'encode-lane')`,
    )) as { n: number }[];
    return row?.n ?? 0;
  }
}
