import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { createEvent, encodeEvent, type EventType, type PayloadOf } from '@mnc/contracts';
import { DLT_HEADERS, KafkaBus, type InboundRecord, type Subscription } from '@mnc/messaging';
import { getApplication, syntheticSubmission } from '@mnc/load-driver';
import { expectEventually, samplePayload, testDatabaseUrl, testKafkaBrokers, uniqueName } from '@mnc/testing';
import { startTestIssuer, type TestIssuer } from './oidc-issuer';

/**
 * The dashboard process (from dist/) on real Kafka and Postgres, driven by Debian's Chromium through
 * playwright-core. The services it calls are the real ones: the embedded pipeline process (every stage on its
 * own in-memory bus and embedded Postgres, so it joins no consumer group on the shared broker) serves photo
 * screening's review API, the encode lane's API, the CA's and intake's. Events reach the dashboard through
 * the broker. With DASHBOARD_SCREENSHOTS=1 each page is saved under docs/screenshots/ for the README.
 */
jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS =
  process.env.DASHBOARD_SCREENSHOTS === '1' ? path.join(root, 'docs/screenshots') : undefined;
const PASSWORD = 'correct horse battery';
const PORT = 3390 + Math.floor(Math.random() * 200);
const BASE = `http://127.0.0.1:${PORT}`;
/** The embedded pipeline: intake, photo screening, the lane and the CA behind one port. */
const SERVICES = `http://127.0.0.1:${PORT + 1}`;
const INTAKE_KEY = randomBytes(24).toString('base64url');

const headers = { 'content-type': 'application/json', authorization: `Bearer ${INTAKE_KEY}` };

/** Submits a synthetic application to the real intake; `tilt` rotates the portrait (past ±8°: a person decides). */
async function submit(seed: number, tilt = 0): Promise<{ id: string; submission: Record<string, unknown> }> {
  const submission = await syntheticSubmission(seed);
  if (tilt !== 0) {
    const photo = submission['photo'] as { mediaType: string; data: string };
    const tilted = await sharp(Buffer.from(photo.data, 'base64'))
      .rotate(tilt, { background: '#f4f4f2' })
      .jpeg({ quality: 90 })
      .toBuffer();
    submission['photo'] = { mediaType: 'image/jpeg', data: tilted.toString('base64') };
  }
  const created = await fetch(`${SERVICES}/v1/applications`, {
    method: 'POST',
    headers,
    body: JSON.stringify(submission),
  });
  expect(created.status).toBe(201);
  return { id: ((await created.json()) as { id: string }).id, submission };
}

/** Photo screening's own view of a review case (what the dashboard's buttons must have changed). */
async function reviewCase(
  id: string,
): Promise<{ state: string; decidedBy: string | null; trail: { action: string; actor: string }[] }> {
  const response = await fetch(`${SERVICES}/v1/photo-reviews/${id}`, {
    headers: { 'x-reviewer-id': 'e2e-check' },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as never;
}

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
  let dashboard: ChildProcess;
  let services: ChildProcess;
  let idp: TestIssuer;
  let bus: KafkaBus;
  let browser: Browser;
  const replayed: InboundRecord[] = [];
  let watcher: Subscription;
  /** Photos tilted 9° (A, C) and -9° (B): each waits in photo screening's review queue. */
  let reviewA: string;
  let reviewB: string;
  let reviewC: string;
  /** A good photo: it goes through to an encoded card, whose certificates the CA then revokes. */
  let goodId: string;

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

    // The real services: every stage in one process on its own in-memory bus and embedded Postgres.
    const servicesLog = fs.openSync(path.join(runDir, 'services.log'), 'a');
    services = spawn('node', [path.join(root, 'dist/apps/embedded/src/main.js'), '--count', '0'], {
      cwd: root,
      stdio: ['ignore', servicesLog, servicesLog],
      env: {
        PATH: process.env.PATH ?? '',
        HTTP_PORT: String(PORT + 1),
        LOG_LEVEL: 'warn',
        BLOB_DIR: path.join(runDir, 'blobs'),
        MNC_PHOTO_AUDIT_SHARE: '0',
        MNC_API_CLIENTS: JSON.stringify([
          {
            id: 'operator-dashboard',
            municipalities: ['*'],
            keySha256: [createHash('sha256').update(INTAKE_KEY).digest('hex')],
          },
        ]),
      },
    });
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
        PHOTO_SCREENING_URL: SERVICES,
        INTAKE_URL: SERVICES,
        INTAKE_API_KEY: INTAKE_KEY,
        ENCODE_LANE_URLS: SERVICES,
        PKI_URL: SERVICES,
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
    await expectEventually(async () => expect((await fetch(`${SERVICES}/health/ready`)).status).toBe(200), {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    [reviewA, reviewB, reviewC, goodId] = (
      await Promise.all([submit(3, 9), submit(4, -9), submit(5, 9), submit(21)])
    ).map((s) => s.id);
    await expectEventually(
      async () => {
        const response = await fetch(`${SERVICES}/v1/photo-reviews?state=open`, {
          headers: { 'x-reviewer-id': 'e2e-check' },
        });
        const ids = ((await response.json()) as { items: { applicationId: string }[] }).items.map(
          (i) => i.applicationId,
        );
        expect(ids).toEqual(expect.arrayContaining([reviewA, reviewB, reviewC]));
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--lang=en-GB'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    services?.kill('SIGTERM');
    dashboard?.kill('SIGTERM');
    await new Promise((resolve) =>
      dashboard?.exitCode !== null ? resolve(undefined) : dashboard.once('exit', resolve),
    );
    await watcher?.stop();
    await bus?.disconnect();
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
    await page.goto(`${BASE}/forecast`);
    await screenshot(page, 'forecast');
    await context.close();
  });

  it("reviews photos in photo screening's real queue from the keyboard: claim, approve; claim, reject", async () => {
    const { context, page } = await signedIn('rei');
    await page.goto(`${BASE}/reviews?item=${reviewA}`);
    const item = page.locator(`[data-review="${reviewA}"]`);
    await item.waitFor();
    // The tilt that sent it to a person is flagged on the photo, its value beside the band it missed.
    await item.locator('[data-flag="roll"]').waitFor();
    await expect(item.locator('[data-check="roll"]').getAttribute('data-band')).resolves.toBe('amber');
    await expect(item.locator('[data-check="roll"] td').nth(3).textContent()).resolves.toContain(
      'green -8 – 8',
    );
    await expect(item.locator('[data-photo="source"] img').getAttribute('src')).resolves.toBe(
      `/api/reviews/${reviewA}/images/source`,
    );
    await item.locator('[data-eye-line]').waitFor({ state: 'attached' });
    await page.waitForFunction(() =>
      Array.from(
        (globalThis as unknown as { document: { images: { complete: boolean; naturalWidth: number }[] } })
          .document.images,
      ).every((i) => i.complete && i.naturalWidth > 0),
    );
    await screenshot(page, 'reviews');
    await page.keyboard.press('c');
    await page.locator('[data-review-state]', { hasText: 'claimed' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('a');
    await page.locator('[data-review-state]', { hasText: 'approved' }).waitFor({ timeout: 10_000 });
    const approved = await reviewCase(reviewA);
    expect(approved).toMatchObject({ state: 'approved', decidedBy: 'local.rei' });
    expect(approved.trail.map((a) => [a.action, a.actor])).toEqual(
      expect.arrayContaining([
        ['claimed', 'local.rei'],
        ['viewed', 'local.rei'],
        ['approved', 'local.rei'],
      ]),
    );

    // The next one: claim, then reject with a code and a reason typed after `r` and Enter.
    await page.goto(`${BASE}/reviews?item=${reviewB}`);
    await page.locator(`[data-review="${reviewB}"]`).waitFor();
    await page.keyboard.press('c');
    await page.locator('[data-review-state]', { hasText: 'claimed' }).waitFor({ timeout: 10_000 });
    await page.selectOption('#reject-code', 'HEAD_TILTED');
    await page.evaluate(() =>
      (
        globalThis as unknown as { document: { activeElement: { blur(): void } } }
      ).document.activeElement.blur(),
    );
    await page.keyboard.press('r');
    await page.keyboard.type('Head tilted well past the limit');
    await page.keyboard.press('Enter');
    await page.locator('[data-review-state]', { hasText: 'rejected' }).waitFor({ timeout: 10_000 });
    expect(await reviewCase(reviewB)).toMatchObject({ state: 'rejected', decidedBy: 'local.rei' });
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

  it("shows the CA's real revocations with reason and sub-reason, and each CA's CRL dates", async () => {
    // The good photo's application goes through to a card; the holder's death is reported at intake, and
    // the card lifecycle has the CA revoke its certificates (affiliationChanged, sub-reason death).
    let cardId: string | undefined;
    await expectEventually(
      async () => {
        const view = (await getApplication(SERVICES, goodId, INTAKE_KEY)) as {
          cardId?: string;
          status: string;
        };
        expect(view.status).toBe('delivered');
        cardId = view.cardId;
        expect(cardId).toBeDefined();
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    const reported = await fetch(`${SERVICES}/v1/cards/${cardId}/holder-deceased`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        reportedBy: { officialId: 'staff-0042', officialName: '窓口 一郎', document: 'driving-licence' },
      }),
    });
    expect(reported.status).toBe(200);
    let revoked: { serialNumber: string }[] = [];
    await expectEventually(
      async () => {
        const response = await fetch(`${SERVICES}/v1/revocations?limit=50`);
        const items = (
          (await response.json()) as { items: { serialNumber: string; reason: string; subReason: string }[] }
        ).items;
        revoked = items.filter((i) => i.reason === 'affiliationChanged' && i.subReason === 'death');
        expect(revoked.length).toBeGreaterThan(0);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const { context, page } = await signedIn('sato');
    await page.goto(`${BASE}/revocations`);
    for (const { serialNumber } of revoked) {
      await expect(
        page.locator(`[data-revocations] [data-serial="${serialNumber}"]`).textContent(),
      ).resolves.toContain('affiliationChanged / death');
    }
    expect(await page.locator('[data-crl] [data-crl-age]').count()).toBeGreaterThan(0);
    await expect(page.locator('main').textContent()).resolves.not.toContain('not available');
    await screenshot(page, 'revocations');
    await context.close();
  });

  it('pauses and resumes the real encode lane', async () => {
    const laneState = async () =>
      ((await (await fetch(`${SERVICES}/v1/lanes`)).json()) as { lanes: { id: string; state: string }[] })
        .lanes[0]?.state;
    const { context, page } = await signedIn('sato');
    await page.goto(`${BASE}/lanes`);
    const lane = page.locator('[data-lane="lane-1"]');
    await lane.locator('[data-action="pause"]').click();
    await lane.locator('[data-state]', { hasText: 'paused' }).waitFor({ timeout: 20_000 });
    expect(await laneState()).toBe('paused');
    await expect(page.locator('main').textContent()).resolves.not.toContain('not available');
    await screenshot(page, 'lanes');
    await lane.locator('[data-action="resume"]').click();
    await lane.locator('[data-state]', { hasText: 'running' }).waitFor({ timeout: 20_000 });
    expect(await laneState()).toBe('running');
    await context.close();
  });

  it("refuses a viewer a reviewer's action on the server, not only by hiding the button", async () => {
    const { context, page } = await signedIn('vera');
    await page.goto(`${BASE}/reviews?item=${reviewC}`);
    await page.locator(`[data-review="${reviewC}"]`).waitFor();
    expect(await page.locator('#claim').count()).toBe(0);
    for (const action of ['claim', 'approve']) {
      const response = await page.request.post(`${BASE}/api/reviews/${reviewC}/${action}`, { data: {} });
      expect(response.status()).toBe(403);
      expect(await response.json()).toMatchObject({ action: 'photo.review', role: 'viewer' });
    }
    // Photo screening never heard of it: the case still waits, nobody claimed it.
    const untouched = await reviewCase(reviewC);
    expect(untouched.state).toBe('waiting');
    expect(untouched.trail.map((a) => a.action)).toEqual(['queued']);
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
    const { id, submission } = await submit(7);
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
