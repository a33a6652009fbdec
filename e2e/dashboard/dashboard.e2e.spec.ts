import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { createEvent, encodeEvent, type EventType, type PayloadOf } from '@mnc/contracts';
import { DLT_HEADERS, KafkaBus, type InboundRecord, type Subscription } from '@mnc/messaging';
import { syntheticSubmission } from '@mnc/load-driver';
import { expectEventually, samplePayload, testDatabaseUrl, testKafkaBrokers, uniqueName } from '@mnc/testing';
import { startTestIssuer, type TestIssuer } from './oidc-issuer';
import { startLaneStub, startPhotoScreeningStub, type RunningStub } from './upstream-stubs';

/**
 * The dashboard process (from dist/) on real Kafka and Postgres, driven by Debian's Chromium through
 * playwright-core. Photo screening's review API and the lanes' API are stand-ins speaking the contract in
 * docs/dashboard.md until those services expose it. With DASHBOARD_SCREENSHOTS=1 each page is saved under
 * docs/screenshots/ for the README.
 */
jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS =
  process.env.DASHBOARD_SCREENSHOTS === '1' ? path.join(root, 'docs/screenshots') : undefined;
const PASSWORD = 'correct horse battery';
const PORT = 3390 + Math.floor(Math.random() * 200);
const BASE = `http://127.0.0.1:${PORT}`;
const INTAKE = `http://127.0.0.1:${PORT + 1}`;
const INTAKE_KEY = randomBytes(24).toString('base64url');

function event<T extends EventType>(type: T, applicationId: string, patch: Partial<PayloadOf<T>> = {}) {
  const source = `/mnc/${type.startsWith('photo') ? 'photo-screening' : 'e2e'}`;
  return encodeEvent(
    createEvent(type, source, { ...samplePayload(type, applicationId), ...patch } as PayloadOf<T>),
  );
}

describe('operator dashboard in Chromium', () => {
  const database = uniqueName('dash_e2e');
  const dltGroup = uniqueName('dash_e2e_group');
  const replayTopic = uniqueName('mnc_e2e_dash_replay');
  const runDir = path.join(root, 'tmp', 'e2e', database);
  const reviewId = uuidv7();
  let dashboard: ChildProcess;
  let intake: ChildProcess;
  let photoStub: Awaited<ReturnType<typeof startPhotoScreeningStub>>;
  let laneStub: RunningStub;
  let idp: TestIssuer;
  let bus: KafkaBus;
  let browser: Browser;
  const replayed: InboundRecord[] = [];
  let watcher: Subscription;

  beforeAll(async () => {
    const main = path.join(root, 'dist/apps/operator-dashboard/src/main.js');
    if (!fs.existsSync(main)) throw new Error('build first: npm run build');
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
    fs.mkdirSync(runDir, { recursive: true });
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${database}`;

    photoStub = await startPhotoScreeningStub([
      {
        applicationId: reviewId,
        state: 'open',
        route: 'express',
        queuedAt: new Date(Date.now() - 240_000).toISOString(),
      },
      { applicationId: uuidv7(), state: 'open', route: 'normal', queuedAt: new Date().toISOString() },
    ]);
    laneStub = await startLaneStub([
      { id: 'lane-1', state: 'running' },
      { id: 'lane-2', state: 'running' },
    ]);
    idp = await startTestIssuer();
    bus = new KafkaBus({ clientId: 'dash-e2e', brokers: testKafkaBrokers() });
    await bus.connect();
    await bus.ensureTopics([{ name: replayTopic, partitions: 1 }]);
    watcher = await bus.subscribe({
      groupId: uniqueName('dash_e2e_watch'),
      topics: [replayTopic],
      deadLetterTopic: `mnc.dlt.${dltGroup}.v1`,
      handler: async (record) => {
        replayed.push(record);
      },
    });

    // Intake for the personal-data reads, on its own in-memory bus so it joins no consumer group on the broker.
    intake = spawn('node', [path.join(root, 'dist/apps/intake/src/main.js')], {
      cwd: root,
      stdio: [
        'ignore',
        fs.openSync(path.join(runDir, 'intake.log'), 'a'),
        fs.openSync(path.join(runDir, 'intake.log'), 'a'),
      ],
      env: {
        PATH: process.env.PATH ?? '',
        MNC_BUS: 'memory',
        DATABASE_URL: url.toString(),
        DATABASE_POOL_SIZE: '3',
        MNC_MASTER_KEY: randomBytes(32).toString('hex'),
        MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
        BLOB_DIR: path.join(runDir, 'blobs'),
        HTTP_PORT: String(PORT + 1),
        LOG_LEVEL: 'warn',
        MNC_API_CLIENTS: JSON.stringify([
          {
            id: 'operator-dashboard',
            municipalities: ['*'],
            keySha256: [createHash('sha256').update(INTAKE_KEY).digest('hex')],
          },
        ]),
      },
    });
    const hash = execFileSync('node', [main, 'hash-password'], { input: PASSWORD }).toString().trim();
    const log = fs.openSync(path.join(runDir, 'operator-dashboard.log'), 'a');
    dashboard = spawn('node', [main], {
      cwd: root,
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH ?? '',
        MNC_BUS: 'kafka',
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        DATABASE_URL: url.toString(),
        DATABASE_POOL_SIZE: '4',
        MNC_MASTER_KEY: randomBytes(32).toString('hex'),
        MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
        HTTP_PORT: String(PORT),
        LOG_LEVEL: 'info',
        PHOTO_SCREENING_URL: photoStub.url,
        INTAKE_URL: INTAKE,
        INTAKE_API_KEY: INTAKE_KEY,
        ENCODE_LANE_URLS: laneStub.url,
        DASHBOARD_USERS: [
          `sato:supervisor:${hash}`,
          `rei:reviewer:${hash}`,
          `vera:viewer:${hash}`,
          `admin:administrator:${hash}`,
        ].join(','),
        DASHBOARD_SESSION_SECRET: randomBytes(32).toString('hex'),
        DASHBOARD_DEAD_LETTER_GROUPS: dltGroup,
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: 'operator-dashboard',
        OIDC_JWKS_URL: idp.jwksUrl,
        DASHBOARD_STAGE_THRESHOLDS:
          'photo-screening=2,issuance-data=600,encode-lane=3600,pre-delivery=3600,delivery=86400',
      },
    });
    await expectEventually(
      async () => {
        const response = await fetch(`${BASE}/health/ready`);
        expect(response.status).toBe(200);
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    await expectEventually(async () => expect((await fetch(`${INTAKE}/health/ready`)).status).toBe(200), {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--lang=en-GB'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    intake?.kill('SIGTERM');
    dashboard?.kill('SIGTERM');
    await new Promise((resolve) =>
      dashboard?.exitCode !== null ? resolve(undefined) : dashboard.once('exit', resolve),
    );
    await watcher?.stop();
    await bus?.disconnect();
    await photoStub?.stop();
    await laneStub?.stop();
    await idp?.stop();
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  async function signedIn(name: string, locale = 'en-GB'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale });
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    await page.waitForURL(`${BASE}/login`);
    await page.fill('#username', name);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${BASE}/`), page.click('#sign-in')]);
    return { context, page };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
  }

  it('logs in and shows an application moving through the stages live, without a reload', async () => {
    const { context, page } = await signedIn('sato');
    await expect(page.locator('h2').first().textContent()).resolves.toContain('Pipeline');
    const id = uuidv7();
    const waiting = uuidv7();
    await bus.publish([
      event('application.submitted', id, { route: 'express' }),
      event('application.submitted', waiting, { route: 'normal' }),
    ]);
    await expectEventually(
      async () => expect((await fetch(`${BASE}/applications/${id}`)).status).not.toBe(404),
      {
        timeoutMs: 30_000,
        intervalMs: 300,
      },
    ).catch(() => undefined);
    await expectEventually(
      async () => {
        await page.goto(`${BASE}/applications/${id}`);
        await page.locator('[data-position="photo-screening"]').waitFor({ timeout: 1000 });
      },
      // A restarted consumer group can take a session timeout (30 s) to settle before the first record.
      { timeoutMs: 75_000, intervalMs: 500 },
    );
    await page.evaluate(() => ((globalThis as unknown as { unreloaded: boolean }).unreloaded = true));
    const steps: [EventType, string][] = [
      ['photo.accepted', 'issuance-data'],
      ['issuance-data.generated', 'encode-lane'],
      ['card.encoded', 'pre-delivery'],
      ['card.ready-for-dispatch', 'delivery'],
    ];
    for (const [type, position] of steps) {
      await bus.publish([event(type, id)]);
      await page.locator(`[data-position="${position}"]`).waitFor({ timeout: 20_000 });
    }
    expect(await page.evaluate(() => (globalThis as unknown as { unreloaded?: boolean }).unreloaded)).toBe(
      true,
    );
    await page.locator('[data-timeline="card.ready-for-dispatch"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-timeline]').count()).toBe(5);
    await screenshot(page, 'application');
    await bus.publish([event('card.dispatched', id), event('card.delivered', id)]);
    await page.locator('[data-position="delivered"]').waitFor({ timeout: 20_000 });

    await page.goto(`${BASE}/`);
    await page.locator('[data-stage="photo-screening"]').waitFor();
    await screenshot(page, 'overview');
    await page.goto(`${BASE}/applications?q=131016`);
    await screenshot(page, 'search');
    await page.goto(`${BASE}/stuck`);
    await page.locator(`[data-application="${waiting}"]`).waitFor({ timeout: 20_000 });
    await screenshot(page, 'stuck');
    await bus.publish([event('card.lifecycle-changed', id)]);
    await page.goto(`${BASE}/revocations`);
    await screenshot(page, 'revocations');
    await page.goto(`${BASE}/forecast`);
    await screenshot(page, 'forecast');
    await context.close();
  });

  it('reviews a photo from the keyboard: claim, then approve', async () => {
    const { context, page } = await signedIn('rei');
    await page.goto(`${BASE}/reviews?item=${reviewId}`);
    await page.locator(`[data-review="${reviewId}"]`).waitFor();
    await expect(page.locator('svg image').getAttribute('href')).resolves.toBe(
      `/api/reviews/${reviewId}/photo`,
    );
    await screenshot(page, 'reviews');
    await page.keyboard.press('c');
    await page.locator('#flash.ok').waitFor();
    await page.keyboard.press('a');
    await expectEventually(() => expect(photoStub.decided.get(reviewId)).toBe('approve'), {
      timeoutMs: 10_000,
    });
    const claim = photoStub.calls.find((c) => c.path === `/v1/reviews/${reviewId}/claim`);
    expect(claim?.body).toEqual({ reviewer: 'local:rei' });

    // The next item: claim, then reject with a reason typed after `r` and Enter.
    await page.goto(`${BASE}/reviews`);
    const next = await page.locator('[data-review]').getAttribute('data-review');
    expect(next).not.toBe(reviewId);
    await page.keyboard.press('c');
    await page.locator('#flash.ok').waitFor();
    await page.keyboard.press('r');
    await page.keyboard.type('Eyes too close together for the chip image');
    await page.keyboard.press('Enter');
    await expectEventually(() => expect(photoStub.decided.get(next!)).toBe('reject'), { timeoutMs: 10_000 });
    expect(photoStub.calls.find((c) => c.path === `/v1/reviews/${next}/reject`)?.body).toEqual({
      reviewer: 'local:rei',
      reasons: [{ code: 'NOT_FACING_CAMERA', message: 'Eyes too close together for the chip image' }],
    });
    await context.close();
  });

  it('replays a dead letter to its source topic with the same ce_id', async () => {
    const parked = event('photo.accepted', uuidv7());
    const ceId = parked.headers['ce_id'];
    await bus.publish([
      {
        topic: `mnc.dlt.${dltGroup}.v1`,
        key: parked.key,
        value: parked.value,
        headers: {
          ...parked.headers,
          [DLT_HEADERS.errorCode]: 'BLOB_MISSING',
          [DLT_HEADERS.errorMessage]: 'applicant record sha256:… is not in the blob store',
          [DLT_HEADERS.sourceTopic]: replayTopic,
          [DLT_HEADERS.sourcePartition]: '0',
          [DLT_HEADERS.sourceOffset]: '17',
          [DLT_HEADERS.group]: dltGroup,
          [DLT_HEADERS.attempts]: '6',
          [DLT_HEADERS.failedAt]: new Date().toISOString(),
        },
      },
    ]);
    const { context, page } = await signedIn('sato');
    const letter = page.locator('[data-dead-letter]', { hasText: ceId });
    await expectEventually(
      async () => {
        await page.goto(`${BASE}/dead-letters`);
        expect(await letter.count()).toBe(1);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await screenshot(page, 'dead-letters');
    await letter.locator('[data-action="replay"]').click();
    await page.locator('#flash.ok').waitFor();
    await expectEventually(() => expect(replayed.map((r) => r.headers['ce_id'])).toEqual([ceId]), {
      timeoutMs: 30_000,
    });
    expect(Object.keys(replayed[0].headers).some((h) => h.startsWith('mnc_dlt_'))).toBe(false);
    await context.close();
  });

  it('pauses and resumes a lane', async () => {
    const { context, page } = await signedIn('sato');
    await page.goto(`${BASE}/lanes`);
    const lane = page.locator('[data-lane="lane-1"]');
    await lane.locator('[data-action="pause"]').click();
    await lane.locator('[data-state]', { hasText: 'paused' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'lanes');
    await lane.locator('[data-action="resume"]').click();
    await lane.locator('[data-state]', { hasText: 'running' }).waitFor({ timeout: 10_000 });
    expect(laneStub.calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
      '/v1/lanes/lane-1/pause',
      '/v1/lanes/lane-1/resume',
    ]);
    await context.close();
  });

  it("refuses a viewer a reviewer's action on the server, not only by hiding the button", async () => {
    const { context, page } = await signedIn('vera');
    await page.goto(`${BASE}/reviews`);
    expect(await page.locator('#approve').count()).toBe(0);
    const response = await page.request.post(`${BASE}/api/reviews/${uuidv7()}/approve`, { data: {} });
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ action: 'photo.review', role: 'viewer' });
    expect(photoStub.calls.filter((c) => c.path.endsWith('/approve'))).toHaveLength(1);
    await context.close();

    const admin = await signedIn('admin');
    await admin.page.goto(`${BASE}/operators`);
    await admin.page.locator('td', { hasText: 'local:vera' }).first().waitFor();
    await screenshot(admin.page, 'operators');
    await admin.context.close();

    // Japanese labels, from the browser's language or the header's switch.
    const ja = await signedIn('sato', 'ja-JP');
    expect(await ja.page.locator('h2').first().textContent()).toBe('パイプライン');
    await screenshot(ja.page, 'overview-ja');
    await ja.page.click('a[data-lang]');
    await ja.page.locator('h2', { hasText: 'Pipeline' }).waitFor();
    await ja.context.close();
    const anonymous = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP' });
    const login = await anonymous.newPage();
    await login.goto(`${BASE}/login`);
    await screenshot(login, 'login');
    await anonymous.close();
  });

  it("accepts an identity provider's token by configuration alone, with the role from its claim", async () => {
    const call = (token: string, path: string, method = 'GET') =>
      fetch(`${BASE}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
    const viewer = idp.token(
      { sub: 'u-1', preferred_username: 'kenji', roles: ['viewer'] },
      'operator-dashboard',
    );
    expect((await call(viewer, '/api/overview')).status).toBe(200);
    expect((await call(viewer, `/api/reviews/${uuidv7()}/approve`, 'POST')).status).toBe(403);
    const otherAudience = idp.token({ sub: 'u-1', roles: ['administrator'] }, 'another-app');
    expect((await call(otherAudience, '/api/overview')).status).toBe(401);
    const noRole = idp.token({ sub: 'u-2', roles: ['guest'] }, 'operator-dashboard');
    expect((await call(noRole, '/api/overview')).status).toBe(401);
  });

  it('reveals personal data from intake only with a stated reason, which goes to the audit log', async () => {
    const submission = await syntheticSubmission(7);
    const created = await fetch(`${INTAKE}/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INTAKE_KEY}` },
      body: JSON.stringify(submission),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // Intake here runs on its own in-memory bus; its event reaches the dashboard through the broker like this.
    await bus.publish([event('application.submitted', id)]);
    const { context, page } = await signedIn('rei');
    await expectEventually(
      async () => {
        await page.goto(`${BASE}/applications/${id}`);
        await page.locator('#reveal').waitFor({ timeout: 1000 });
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await expect(page.locator('#personal-data').textContent()).resolves.toContain('●●●●');
    await page.click('#reveal');
    await page.locator('#flash.error').waitFor();
    await page.fill('#reason', 'Resident asked at the counter why the card is late');
    await page.click('#reveal');
    const familyName = (submission['applicant'] as { familyName: string }).familyName;
    await page.locator('#personal-data', { hasText: familyName }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'application-revealed');
    await page.goto(`${BASE}/applications/${id}`);
    await expect(page.locator('#personal-data').textContent()).resolves.not.toContain(familyName);
    await expect(page.locator('[data-timeline="personal-data.reveal"]').textContent()).resolves.toContain(
      'Resident asked at the counter why the card is late',
    );
    await context.close();
  });
});
