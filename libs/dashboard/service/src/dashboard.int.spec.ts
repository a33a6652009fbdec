import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '@mnc/config';
import { encodeEvent } from '@mnc/contracts';
import { startPipeline, type RunningPipeline } from '@mnc/stage-runtime';
import { DLT_HEADERS } from '@mnc/messaging';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { expectEventually, sampleEvent, testDatabaseUrl, uniqueName } from '@mnc/testing';
import { hashPassword } from './auth/passwords';
import { dashboardStage } from './index';

jest.setTimeout(60_000);

/**
 * The dashboard process on the real Postgres (its own database for this run), with the in-memory bus so the
 * test's records reach only this process: events in → read model, dead letters collected and replayed, and
 * the server refusing a viewer's reviewer action.
 */
describe('operator dashboard process', () => {
  const database = uniqueName('dash_it');
  const admin = testDatabaseUrl();
  let pipeline: RunningPipeline;
  const password = 'correct horse battery';

  beforeAll(async () => {
    const client = new Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE "${database}"`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${database}`;
    const hash = await hashPassword(password);
    pipeline = await startPipeline({
      processName: 'operator-dashboard',
      stages: [dashboardStage],
      config: loadConfig({
        MNC_BUS: 'memory',
        DATABASE_URL: url.toString(),
        DATABASE_POOL_SIZE: '4',
        MNC_MASTER_KEY: randomBytes(32).toString('hex'),
        MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
        HTTP_PORT: '0',
        LOG_LEVEL: 'silent',
        DASHBOARD_USERS: `vera:viewer:${hash},rei:reviewer:${hash},sato:supervisor:${hash}`,
        DASHBOARD_SESSION_SECRET: randomBytes(32).toString('hex'),
        DASHBOARD_DEAD_LETTER_GROUPS: 'photo-screening',
      }),
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
    const client = new Client({ connectionString: admin });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  async function login(name: string): Promise<string> {
    const response = await fetch(`${pipeline.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: name, password }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    return response.headers.get('set-cookie')!.split(';')[0];
  }

  const query = <T>(sql: string, params: unknown[] = []) =>
    pipeline.dataSource.query(sql, params) as Promise<T[]>;

  it('given events of one application on the bus, then the read model follows it, once per event id', async () => {
    const submitted = sampleEvent('application.submitted');
    const id = submitted.subject;
    const accepted = sampleEvent('photo.accepted', id);
    await pipeline.bus.publish([encodeEvent(submitted), encodeEvent(accepted)]);
    await pipeline.bus.publish([encodeEvent(accepted)]); // a redelivery

    await expectEventually(
      async () => {
        const [app] = await query<{ position: string }>(
          'SELECT position FROM operator_dashboard.applications WHERE id = $1',
          [id],
        );
        expect(app?.position).toBe('issuance-data');
      },
      { timeoutMs: 15_000 },
    );
    const timeline = await query<{ event_type: string }>(
      'SELECT event_type FROM operator_dashboard.timeline WHERE application_id = $1 ORDER BY occurred_at, seq',
      [id],
    );
    expect(timeline.map((t) => t.event_type).sort()).toEqual(['application.submitted', 'photo.accepted']);
    const cookie = await login('vera');
    const page = await (await fetch(`${pipeline.url}/applications/${id}`, { headers: { cookie } })).text();
    expect(page).toContain('data-position="issuance-data"');
    const overview = (await (
      await fetch(`${pipeline.url}/api/overview`, { headers: { cookie } })
    ).json()) as {
      stages: { stage: string; waiting: number }[];
    };
    expect(overview.stages.find((s) => s.stage === 'issuance-data')!.waiting).toBeGreaterThanOrEqual(1);
  });

  it("given a viewer, then the server refuses a reviewer's action with 403 and audits the refusal", async () => {
    const cookie = await login('vera');
    const id = sampleEvent('application.submitted').subject;
    const response = await fetch(`${pipeline.url}/api/reviews/${id}/approve`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ action: 'photo.review', role: 'viewer' });
    const refusals = await query<{ actor: string }>(
      `SELECT actor FROM operator_dashboard.audit_log WHERE action = 'photo.review' AND outcome = 'refused'`,
    );
    expect(refusals.map((r) => r.actor)).toContain('local:vera');

    // A reviewer passes the role check; photo screening is not configured here, and the answer says so.
    const reviewer = await login('rei');
    const allowed = await fetch(`${pipeline.url}/api/reviews/${id}/approve`, {
      method: 'POST',
      headers: { cookie: reviewer, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(allowed.status).toBe(501);
    expect(await allowed.json()).toMatchObject({ service: 'photo-screening' });
  });

  it('given no session, then pages redirect to the login and the API answers 401', async () => {
    const page = await fetch(`${pipeline.url}/lanes`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    expect((await fetch(`${pipeline.url}/api/overview`)).status).toBe(401);
  });

  it('given a parked record, then a supervisor replays it to its source topic with the same ce_id, once', async () => {
    const event = sampleEvent('photo.accepted');
    const original = encodeEvent(event);
    const replayed: string[] = [];
    const watcher = await pipeline.bus.subscribe({
      groupId: uniqueName('dash_it_watch'),
      topics: [original.topic],
      deadLetterTopic: 'mnc.dlt.photo-screening.v1',
      handler: async (record) => {
        if (record.headers['ce_id'] === event.id)
          replayed.push(JSON.stringify(Object.keys(record.headers).sort()));
      },
    });
    try {
      await pipeline.bus.publish([
        {
          topic: 'mnc.dlt.photo-screening.v1',
          key: original.key,
          value: original.value,
          headers: {
            ...original.headers,
            [DLT_HEADERS.errorCode]: 'SCHEMA_VIOLATION',
            [DLT_HEADERS.errorMessage]: 'test poison',
            [DLT_HEADERS.sourceTopic]: original.topic,
            [DLT_HEADERS.group]: 'photo-screening',
            [DLT_HEADERS.attempts]: '1',
            [DLT_HEADERS.failedAt]: new Date().toISOString(),
          },
        },
      ]);
      const [letter] = await expectEventually(
        async () => {
          const rows = await query<{ id: string; status: string }>(
            'SELECT id, status FROM operator_dashboard.dead_letters WHERE event_id = $1',
            [event.id],
          );
          expect(rows).toHaveLength(1);
          return rows;
        },
        { timeoutMs: 15_000 },
      );
      const viewer = await login('vera');
      const refused = await fetch(`${pipeline.url}/api/dead-letters/${letter.id}/replay`, {
        method: 'POST',
        headers: { cookie: viewer, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(refused.status).toBe(403);

      const supervisor = await login('sato');
      const post = () =>
        fetch(`${pipeline.url}/api/dead-letters/${letter.id}/replay`, {
          method: 'POST',
          headers: { cookie: supervisor, 'content-type': 'application/json' },
          body: '{}',
        });
      const first = await post();
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ eventId: event.id, topic: original.topic });
      expect((await post()).status).toBe(409);
      // Back on its source topic once, as it first was: the dead-letter headers gone.
      await expectEventually(() => expect(replayed).toHaveLength(1), { timeoutMs: 15_000 });
      expect(replayed[0]).not.toContain('mnc_dlt_');
      expect(replayed[0]).toContain('ce_id');
      const audited = await query<{ actor: string }>(
        `SELECT actor FROM operator_dashboard.audit_log WHERE action = 'dead-letter.replay' AND outcome = 'ok'`,
      );
      expect(audited.map((a) => a.actor)).toEqual(['local:sato']);
    } finally {
      await watcher.stop();
    }
  });

  it('keeps the audit log append-only', async () => {
    await expect(query(`UPDATE operator_dashboard.audit_log SET outcome = 'ok'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(query('DELETE FROM operator_dashboard.audit_log')).rejects.toThrow(/append-only/);
  });
});
