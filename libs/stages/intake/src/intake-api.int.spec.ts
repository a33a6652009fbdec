import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '@mnc/config';
import { startPipeline } from '@mnc/stage-runtime';
import { intakeStage } from './index';
import { Topics } from '@mnc/contracts';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { expectEventually, testKafkaBrokers, uniqueName } from '@mnc/testing';
import {
  call,
  fictionalApplicant,
  footprint,
  onlineSubmission,
  smallJpeg,
  startIntakeHarness,
  uuidv7,
  type IntakeHarness,
} from './testing/intake-harness';
import { SIGNATURE_HEADERS, verifyWebhook } from './webhooks/signature';

/**
 * The intake API on real Postgres and Kafka behind its HTTP server: channels, idempotency, the
 * authorisation matrix between two municipalities with the audit log, review of unprintable names,
 * handover, loss reports and signed webhooks.
 */
jest.setTimeout(120_000);

let intake: IntakeHarness;
beforeAll(async () => {
  intake = await startIntakeHarness('mnc_intake_api_it');
});
afterAll(async () => {
  await intake?.stop();
});

/**
 * The events intake emitted for an application. The outbox relay deletes rows once Kafka has them, so the
 * durable record is the timeline entry intake writes in the same transaction as each event.
 */
const emitted = async (applicationId: string) =>
  (
    await intake.query<{ type: string }>(
      `SELECT event_type AS type FROM intake.timeline WHERE application_id = $1 AND source = '/mnc/intake' ORDER BY seq`,
      [applicationId],
    )
  ).map((r) => r.type);

/** Moves an application through the pipeline's events up to delivered, as the other stages would. */
async function deliver(applicationId: string, route: 'normal' | 'express' = 'normal'): Promise<string> {
  const cardId = uuidv7();
  const routing = {
    applicationId,
    route,
    cardProfile: 'next-gen' as const,
    municipalityCode: '131016',
    applicantRecord: { hash: `sha256:${'0'.repeat(64)}`, size: 1, mediaType: 'application/json' },
  };
  await intake.deliverEvent(
    'photo.accepted',
    { ...routing, photo: routing.applicantRecord, width: 60, height: 80, decision: 'automatic' },
    applicationId,
  );
  await intake.deliverEvent(
    'issuance-data.generated',
    {
      ...routing,
      cardId,
      cardNumber: 'AB12CD34EF56',
      issuedOn: '2026-04-01',
      expiresOn: '2036-04-01',
      bundle: routing.applicantRecord,
    },
    applicationId,
  );
  await intake.deliverEvent(
    'card.delivered',
    { applicationId, cardId, shipmentId: uuidv7(), deliveredAt: new Date().toISOString() },
    applicationId,
  );
  return cardId;
}

describe('submission channels', () => {
  it('accepts an online application as JSON and emits application.submitted', async () => {
    const answer = await call(intake, 'POST', '/v1/applications', {
      key: intake.keys.A,
      json: await onlineSubmission('A'),
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'submitted', channel: 'online', municipalityCode: '131016' });
    expect(await emitted(answer.body['id'])).toEqual(['application.submitted']);
  });

  it('accepts a counter application as multipart with the photo file and records the official', async () => {
    const form = new FormData();
    form.set(
      'application',
      JSON.stringify({
        channel: 'counter',
        route: 'express',
        applicant: fictionalApplicant('A'),
        identityCheck: { officialId: 'staff-0042', officialName: '窓口 一郎', document: 'passport' },
      }),
    );
    form.set('photo', new Blob([await smallJpeg()], { type: 'image/jpeg' }), 'face.jpg');
    const answer = await call(intake, 'POST', '/v1/applications', { key: intake.keys.A, body: form });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      channel: 'counter',
      route: 'express',
      identityCheck: {
        officialId: 'staff-0042',
        officialName: '窓口 一郎',
        document: 'passport',
        purpose: 'application',
      },
    });
  });

  it('accepts a paper form keyed by an operator and a lost-card reissue on the express route', async () => {
    const paper = {
      ...(await onlineSubmission('A')),
      channel: 'paper',
      keyedBy: { officialId: 'operator-7' },
    };
    expect((await call(intake, 'POST', '/v1/applications', { key: intake.keys.A, json: paper })).status).toBe(
      201,
    );
    const reissue = { ...(await onlineSubmission('A')), channel: 'lost-card-reissue', route: 'express' };
    expect(
      (await call(intake, 'POST', '/v1/applications', { key: intake.keys.A, json: reissue })).status,
    ).toBe(201);
  });

  it('answers 409 with a link when the person already has an open application', async () => {
    const first = await onlineSubmission('A');
    const created = await call(intake, 'POST', '/v1/applications', { key: intake.keys.A, json: first });
    const again = await call(intake, 'POST', '/v1/applications', { key: intake.keys.A, json: first });
    expect(again.status).toBe(409);
    expect(again.contentType).toContain('application/problem+json');
    expect(again.body['openApplication']).toBe(`/v1/applications/${created.body['id']}`);
  });

  it('refuses to start on a real database without API clients', async () => {
    const config = loadConfig({
      DATABASE_URL: intake.databaseUrl,
      MNC_MASTER_KEY: randomBytes(32).toString('hex'),
      MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const { consumer: _none, ...stage } = intakeStage;
    await expect(
      startPipeline({ processName: 'intake-no-clients', stages: [stage], config }),
    ).rejects.toThrow(/MNC_API_CLIENTS/);
  });

  it('serves the generated OpenAPI document and its page', async () => {
    const document = await call(intake, 'GET', '/docs/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body['openapi']).toMatch(/^3\./);
    expect(Object.keys(document.body['paths'])).toContain('/v1/cards/{cardId}/loss-report');
    const page = await fetch(`${intake.url}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${intake.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });
});

describe('idempotency', () => {
  it('given the same Idempotency-Key twice, then one application, one outbox event and one Kafka event', async () => {
    const kafka = new Kafka({
      clientId: 'intake-it',
      brokers: testKafkaBrokers(),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const before = await admin.fetchTopicOffsets(Topics.applicationSubmitted);

    const body = await onlineSubmission('A');
    const key = `idem-${uuidv7()}`;
    const first = await call(intake, 'POST', '/v1/applications', {
      key: intake.keys.A,
      json: body,
      headers: { 'idempotency-key': key },
    });
    const second = await call(intake, 'POST', '/v1/applications', {
      key: intake.keys.A,
      json: body,
      headers: { 'idempotency-key': key },
    });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body['id']).toBe(first.body['id']);
    const id = first.body['id'] as string;
    const [rows] = await intake.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM intake.applications WHERE person_key = (SELECT person_key FROM intake.applications WHERE id = $1)`,
      [id],
    );
    expect(rows!.n).toBe(1);
    expect(await emitted(id)).toEqual(['application.submitted']);

    // The same key with another body is a client error, not a second application.
    const other = await call(intake, 'POST', '/v1/applications', {
      key: intake.keys.A,
      json: { ...body, route: 'express' },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body['errors'][0].field).toBe('header.Idempotency-Key');

    // On Kafka: read the topic from the offsets it had before the requests, until its current end.
    await expectEventually(
      async () => {
        const [row] = await intake.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM intake.outbox WHERE key = $1`,
          [id],
        );
        expect(row!.n).toBe(0); // the relay deletes what Kafka acknowledged
      },
      { timeoutMs: 20_000 },
    );
    const after = await admin.fetchTopicOffsets(Topics.applicationSubmitted);
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: uniqueName('intake_it_reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.applicationSubmitted });
    const remaining = new Map(
      after
        .filter((o) => Number(o.high) > Number(before.find((b) => b.partition === o.partition)!.high))
        .map((o) => [o.partition, BigInt(o.high)]),
    );
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the topic read stalled')), 60_000);
      if (remaining.size === 0) return reject(new Error('nothing was published'));
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (message.key?.toString() === id) seen += 1;
          const high = remaining.get(partition);
          if (high !== undefined && BigInt(message.offset) + 1n >= high) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
      for (const { partition, high } of before)
        consumer.seek({ topic: Topics.applicationSubmitted, partition, offset: high });
    });
    await consumer.disconnect();
    expect(seen).toBe(1);
  });
});

describe('authorisation between municipalities A and B', () => {
  let ofA: string;
  let ofB: string;
  let cardOfB: string;
  beforeAll(async () => {
    ofA = (
      await call(intake, 'POST', '/v1/applications', {
        key: intake.keys.A,
        json: await onlineSubmission('A'),
      })
    ).body['id'];
    const b = await onlineSubmission('B');
    ofB = (await call(intake, 'POST', '/v1/applications', { key: intake.keys.B, json: b })).body['id'];
    expect([ofA, ofB].every(Boolean)).toBe(true);
    cardOfB = await deliver(ofB);
  });

  it('refuses requests without a valid key (401, naming the header)', async () => {
    for (const key of [undefined, 'not-a-key-of-anyone-0123456789']) {
      const answer = await call(intake, 'GET', `/v1/applications/${ofA}`, key ? { key } : {});
      expect(answer.status).toBe(401);
      expect(answer.body['errors'][0].field).toBe('header.Authorization');
    }
  });

  it('lets A neither list, read, change, nor report lost anything of B (403/404)', async () => {
    const A = intake.keys.A;
    const purpose = { 'x-purpose': 'resident-inquiry' };
    const officials = { officialId: 'staff-1', officialName: '窓口 一郎', document: 'my-number-card' };
    const attempts: [string, string, Record<string, unknown>, number][] = [
      ['GET', `/v1/applications?municipalityCode=011002`, {}, 403],
      ['GET', `/v1/applications/${ofB}`, {}, 404],
      ['GET', `/v1/applications/${ofB}/applicant`, { headers: purpose }, 404],
      ['GET', `/v1/applications/${ofB}/photo`, { headers: purpose }, 404],
      ['POST', `/v1/applications/${ofB}/cancellation`, { json: { reason: 'test' } }, 404],
      [
        'POST',
        `/v1/applications/${ofB}/review-decision`,
        { json: { decision: 'approve', officialId: 'staff-1' } },
        404,
      ],
      ['POST', `/v1/applications/${ofB}/handover`, { json: { identityCheck: officials } }, 404],
      ['POST', `/v1/cards/${cardOfB}/loss-report`, { json: { reportedBy: officials } }, 404],
      ['POST', '/v1/applications', { json: await onlineSubmission('B') }, 403],
      ['POST', '/v1/webhooks', { json: { url: 'http://127.0.0.1:9/hook', municipalityCode: '011002' } }, 403],
    ];
    const before = await footprint(intake);
    for (const [method, path, options, status] of attempts) {
      const answer = await call(intake, method, path, { key: A, ...options });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status });
      expect(answer.contentType).toContain('application/problem+json');
    }
    // Nothing changed, and B's application is as it was; the refused reads are in the audit log.
    const after = await footprint(intake);
    expect({ ...after, audit_log: 0 }).toEqual({ ...before, audit_log: 0 });
    expect(after['audit_log']! - before['audit_log']!).toBe(2);
    const view = await call(intake, 'GET', `/v1/applications/${ofB}`, { key: intake.keys.B });
    expect(view.body['status']).toBe('delivered');
    // A's list holds none of B's applications.
    const list = await call(intake, 'GET', '/v1/applications?limit=200', { key: A });
    expect(list.status).toBe(200);
    expect(list.body['items'].map((i: { municipalityCode: string }) => i.municipalityCode)).not.toContain(
      '011002',
    );
    expect(list.body['items'].map((i: { id: string }) => i.id)).toContain(ofA);
    // A page's next link keeps the page's filters.
    const { status } = (await call(intake, 'GET', `/v1/applications/${ofA}`, { key: A })).body;
    const page = await call(
      intake,
      'GET',
      `/v1/applications?municipalityCode=131016&status=${status}&limit=1`,
      {
        key: A,
      },
    );
    expect(page.body['items']).toHaveLength(1);
    const next = new URL(page.body['next'], 'http://intake');
    expect(Object.fromEntries(next.searchParams)).toEqual({
      municipalityCode: '131016',
      status,
      before: page.body['items'][0].id,
      limit: '1',
    });
    // B's webhook log is not A's to see.
    const hook = await call(intake, 'POST', '/v1/webhooks', {
      key: intake.keys.B,
      json: { url: 'http://127.0.0.1:9/b', municipalityCode: '011002' },
    });
    expect((await call(intake, 'GET', `/v1/webhooks/${hook.body['id']}/deliveries`, { key: A })).status).toBe(
      404,
    );
    expect((await call(intake, 'DELETE', `/v1/webhooks/${hook.body['id']}`, { key: A })).status).toBe(404);
  });

  it('writes every personal-data read to the append-only audit log: who, when, what, why', async () => {
    const reads: [string, string, 'applicant' | 'photo', string, number][] = [
      [intake.keys.A, ofA, 'applicant', 'identity-verification', 200],
      [intake.keys.A, ofA, 'photo', 'card-handover', 200],
      [intake.keys.B, ofB, 'applicant', 'application-correction', 200],
      [intake.keys.national, ofB, 'photo', 'supervision', 200],
      [intake.keys.B, ofA, 'applicant', 'resident-inquiry', 404],
    ];
    const [{ seq: start }] = (await intake.query<{ seq: string }>(
      `SELECT coalesce(max(seq), 0)::text AS seq FROM intake.audit_log`,
    )) as [{ seq: string }];
    for (const [key, id, what, purpose, status] of reads) {
      const response = await fetch(`${intake.url}/v1/applications/${id}/${what}`, {
        headers: { authorization: `Bearer ${key}`, 'x-purpose': purpose },
      });
      expect(response.status).toBe(status);
      if (what === 'applicant' && status === 200) {
        const body = (await response.json()) as Record<string, any>;
        expect(body['myNumber']).toMatch(/^\*{8}\d{4}$/);
        expect(body['romaji']).toEqual({ familyName: 'KAKU', givenName: 'HANAKO' });
        expect(body['cardFace'].birthDate).toEqual({
          japanese: '平成2年4月1日',
          western: '1990年4月1日',
          iso: '1990-04-01',
        });
        expect(body['cardFace'].layout.chipOnly).toEqual(['sex']);
      }
      if (what === 'photo' && status === 200) expect(response.headers.get('content-type')).toBe('image/jpeg');
    }
    const log = await intake.query<{
      client_id: string;
      action: string;
      application_id: string;
      purpose: string;
      outcome: string;
      at: Date;
    }>(
      `SELECT client_id, action, application_id, purpose, outcome, at FROM intake.audit_log WHERE seq > $1 ORDER BY seq`,
      [start],
    );
    expect(log.map((r) => [r.client_id, r.application_id, r.action, r.purpose, r.outcome])).toEqual([
      ['chiyoda-counter', ofA, 'read.applicant', 'identity-verification', 'allowed'],
      ['chiyoda-counter', ofA, 'read.photo', 'card-handover', 'allowed'],
      ['sapporo-counter', ofB, 'read.applicant', 'application-correction', 'allowed'],
      ['national-portal', ofB, 'read.photo', 'supervision', 'allowed'],
      ['sapporo-counter', ofA, 'read.applicant', 'resident-inquiry', 'denied'],
    ]);
    expect(log.every((r) => r.at instanceof Date)).toBe(true);

    // A read without a reason is refused before anything is read.
    const noPurpose = await call(intake, 'GET', `/v1/applications/${ofA}/applicant`, { key: intake.keys.A });
    expect(noPurpose.status).toBe(422);
    expect(noPurpose.body['errors'][0].field).toBe('header.X-Purpose');

    // Append-only, whoever asks: the database refuses to change or remove entries.
    for (const statement of [
      'UPDATE intake.audit_log SET purpose = $1',
      'DELETE FROM intake.audit_log WHERE purpose <> $1',
      'TRUNCATE intake.audit_log',
    ]) {
      await expect(intake.query(statement, statement.includes('$1') ? ['x'] : [])).rejects.toThrow(
        /append-only/,
      );
    }
  });
});

describe('names the card font cannot print', () => {
  it('accepts the application in review, sends nothing on until a reviewer approves', async () => {
    const body = await onlineSubmission('A', { givenName: '𫝀子' });
    const answer = await call(intake, 'POST', '/v1/applications', { key: intake.keys.A, json: body });
    expect(answer.status).toBe(201);
    expect(answer.body['status']).toBe('in-review');
    expect(answer.body['review']).toEqual({
      reasons: [{ field: 'applicant.givenName', code: 'GLYPH_NOT_IN_CARD_FONT', codePoints: ['U+2B740'] }],
    });
    const id = answer.body['id'] as string;
    // Only the timeline's local note: no application.submitted for the pipeline yet.
    expect(await emitted(id)).toEqual(['intake.review-required']);
    const approved = await call(intake, 'POST', `/v1/applications/${id}/review-decision`, {
      key: intake.keys.A,
      json: { decision: 'approve', officialId: 'reviewer-3' },
    });
    expect(approved.body).toMatchObject({
      status: 'submitted',
      review: { decision: 'approve', decidedBy: 'reviewer-3' },
    });
    expect(await emitted(id)).toEqual(['intake.review-required', 'application.submitted']);
    // The stored record keeps the name exactly as given: nothing was substituted.
    const applicant = await call(intake, 'GET', `/v1/applications/${id}/applicant`, {
      key: intake.keys.A,
      headers: { 'x-purpose': 'application-correction' },
    });
    expect(applicant.body['givenName']).toBe('𫝀子');
  });

  it("cancels on the reviewer's word, producing application.cancelled", async () => {
    const answer = await call(intake, 'POST', '/v1/applications', {
      key: intake.keys.A,
      json: await onlineSubmission('A', { familyName: '𰀀田' }),
    });
    const cancelled = await call(intake, 'POST', `/v1/applications/${answer.body['id']}/review-decision`, {
      key: intake.keys.A,
      json: { decision: 'cancel', officialId: 'reviewer-3' },
    });
    expect(cancelled.body['status']).toBe('cancelled');
    expect(await emitted(answer.body['id'])).toEqual(['intake.review-required', 'application.cancelled']);
  });
});

describe('cancellation, handover and loss reports', () => {
  const official = { officialId: 'staff-0042', officialName: '窓口 一郎', document: 'my-number-card' };

  it('cancels a submitted application (application.cancelled) but not one whose card exists', async () => {
    const id = (
      await call(intake, 'POST', '/v1/applications', {
        key: intake.keys.A,
        json: await onlineSubmission('A'),
      })
    ).body['id'];
    const cancelled = await call(intake, 'POST', `/v1/applications/${id}/cancellation`, {
      key: intake.keys.A,
      json: { reason: '申請者の取下げ' },
    });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', closedReason: '申請者の取下げ' });
    expect(await emitted(id)).toEqual(['application.submitted', 'application.cancelled']);
    const delivered = (
      await call(intake, 'POST', '/v1/applications', {
        key: intake.keys.A,
        json: await onlineSubmission('A'),
      })
    ).body['id'];
    await deliver(delivered);
    const refused = await call(intake, 'POST', `/v1/applications/${delivered}/cancellation`, {
      key: intake.keys.A,
      json: { reason: 'x' },
    });
    expect(refused.status).toBe(409);
  });

  it('records the counter handover with the identity check → card.handed-over', async () => {
    const id = (
      await call(intake, 'POST', '/v1/applications', {
        key: intake.keys.A,
        json: await onlineSubmission('A'),
      })
    ).body['id'];
    const early = await call(intake, 'POST', `/v1/applications/${id}/handover`, {
      key: intake.keys.A,
      json: { identityCheck: official },
    });
    expect(early.status).toBe(409);
    await deliver(id);
    const handed = await call(intake, 'POST', `/v1/applications/${id}/handover`, {
      key: intake.keys.A,
      json: { identityCheck: official },
    });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({
      status: 'handed-over',
      identityCheck: { ...official, purpose: 'handover' },
    });
    expect(await emitted(id)).toEqual(['application.submitted', 'card.handed-over']);
    const missing = await call(intake, 'POST', `/v1/applications/${id}/handover`, {
      key: intake.keys.A,
      json: { identityCheck: { officialId: 'x' } },
    });
    expect(missing.body['errors'].map((e: { field: string }) => e.field)).toEqual([
      'identityCheck.officialName',
      'identityCheck.document',
    ]);
  });

  it('reports a card lost: closes it, creates the express reissue and card.loss-reported in one go; once', async () => {
    const id = (
      await call(intake, 'POST', '/v1/applications', {
        key: intake.keys.A,
        json: await onlineSubmission('A'),
      })
    ).body['id'];
    const cardId = await deliver(id);
    const view = await call(intake, 'GET', `/v1/applications/${id}`, { key: intake.keys.A });
    expect(view.body['cardId']).toBe(cardId);

    const report = await call(intake, 'POST', `/v1/cards/${cardId}/loss-report`, {
      key: intake.keys.A,
      json: { reportedBy: official },
    });
    expect(report.status).toBe(201);
    const reissue = report.body['reissue'];
    expect(reissue).toMatchObject({
      status: 'submitted',
      channel: 'lost-card-reissue',
      route: 'express',
      replacesApplicationId: id,
    });
    expect((await call(intake, 'GET', `/v1/applications/${id}`, { key: intake.keys.A })).body['status']).toBe(
      'card-reported-lost',
    );
    expect(await emitted(id)).toEqual(['application.submitted', 'card.loss-reported']);
    expect(await emitted(reissue.id)).toEqual(['application.submitted']);

    const again = await call(intake, 'POST', `/v1/cards/${cardId}/loss-report`, {
      key: intake.keys.A,
      json: { reportedBy: official },
    });
    expect(again.status).toBe(200);
    expect(again.body['reissue'].id).toBe(reissue.id);
    const [count] = await intake.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM intake.applications WHERE replaces_application_id = $1`,
      [id],
    );
    expect(count!.n).toBe(1);
    expect(
      (
        await call(intake, 'POST', `/v1/cards/${uuidv7()}/loss-report`, {
          key: intake.keys.A,
          json: { reportedBy: official },
        })
      ).status,
    ).toBe(404);
  });
});

describe('found reports and death notices', () => {
  const official = { officialId: 'staff-0042', officialName: '窓口 一郎', document: 'my-number-card' };

  it('reports a lost card found (card.found-reported), once; refuses it for a card not reported lost', async () => {
    const id = (
      await call(intake, 'POST', '/v1/applications', {
        key: intake.keys.A,
        json: await onlineSubmission('A'),
      })
    ).body['id'];
    const cardId = await deliver(id);
    const early = await call(intake, 'POST', `/v1/cards/${cardId}/found-report`, {
      key: intake.keys.A,
      json: { reportedBy: official },
    });
    expect(early.status).toBe(409);
    await call(intake, 'POST', `/v1/cards/${cardId}/loss-report`, {
      key: intake.keys.A,
      json: { reportedBy: official },
    });
    for (let i = 0; i < 2; i++) {
      const found = await call(intake, 'POST', `/v1/cards/${cardId}/found-report`, {
        key: intake.keys.A,
        json: { reportedBy: official },
      });
      expect(found.status).toBe(200);
    }
    expect(await emitted(id)).toEqual(['application.submitted', 'card.loss-reported', 'card.found-reported']);
    expect(
      (
        await call(intake, 'POST', `/v1/cards/${cardId}/found-report`, {
          key: intake.keys.B,
          json: { reportedBy: official },
        })
      ).status,
    ).toBe(404);
  });

  it('records a death notice (card.holder-deceased), once, and closes the application', async () => {
    const id = (
      await call(intake, 'POST', '/v1/applications', {
        key: intake.keys.A,
        json: await onlineSubmission('A'),
      })
    ).body['id'];
    const cardId = await deliver(id);
    expect(
      (
        await call(intake, 'POST', `/v1/cards/${cardId}/holder-deceased`, {
          key: intake.keys.B,
          json: { reportedBy: official },
        })
      ).status,
    ).toBe(404);
    for (let i = 0; i < 2; i++) {
      const notice = await call(intake, 'POST', `/v1/cards/${cardId}/holder-deceased`, {
        key: intake.keys.A,
        json: { reportedBy: official },
      });
      expect(notice.body['status']).toBe('holder-deceased');
    }
    expect(await emitted(id)).toEqual(['application.submitted', 'card.holder-deceased']);
  });
});

describe('webhooks', () => {
  let server: Server;
  let received: { headers: IncomingMessage['headers']; body: string }[];
  let answerWith = 500;
  beforeAll(async () => {
    received = [];
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(answerWith).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers signed status changes, retries with backoff, keeps a log, and survives a restart', async () => {
    const port = (server.address() as AddressInfo).port;
    const registered = await call(intake, 'POST', '/v1/webhooks', {
      key: intake.keys.A,
      json: { url: `http://127.0.0.1:${port}/mnc`, municipalityCode: '131016' },
    });
    expect(registered.status).toBe(201);
    const secret = registered.body['secret'] as string;
    expect(secret).toMatch(/^whsec_/);
    expect(
      (await call(intake, 'GET', '/v1/webhooks', { key: intake.keys.A })).body['items'][0],
    ).not.toHaveProperty('secret');

    const id = (
      await call(intake, 'POST', '/v1/applications', {
        key: intake.keys.A,
        json: await onlineSubmission('A'),
      })
    ).body['id'];
    await intake.deliverEvent(
      'photo.rejected',
      { applicationId: id, reasons: [{ code: 'BLURRED', message: 'blurred' }], decision: 'automatic' },
      id,
    );

    // First attempt: the receiver answers 500; the delivery stays pending with its backoff.
    const log = async () =>
      (await call(intake, 'GET', `/v1/webhooks/${registered.body['id']}/deliveries`, { key: intake.keys.A }))
        .body['items'] as {
        state: string;
        attempts: number;
        lastStatus: number | null;
        applicationId: string;
        payload: Record<string, unknown>;
      }[];
    await expectEventually(
      async () => {
        const [first] = (await log()).filter((d) => d.applicationId === id);
        expect(first).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500 });
      },
      { timeoutMs: 15_000 },
    );
    const delivery = received.find((r) => r.body.includes(id))!;
    expect(
      verifyWebhook(
        secret,
        {
          timestamp: delivery.headers[SIGNATURE_HEADERS.timestamp] as string,
          signature: delivery.headers[SIGNATURE_HEADERS.signature] as string,
        },
        delivery.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toEqual({ ok: true });
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'application.status-changed',
      applicationId: id,
      previousStatus: 'submitted',
      status: 'photo-rejected',
      eventType: 'photo.rejected',
    });
    const [{ wait }] = (await intake.query<{ wait: number }>(
      `SELECT extract(epoch FROM next_attempt_at - now())::float AS wait FROM intake.webhook_deliveries WHERE application_id = $1`,
      [id],
    )) as [{ wait: number }];
    expect(wait).toBeGreaterThan(5);

    // The pending delivery is in the database: a restarted service sends it (its backoff moved forward here).
    await intake.restart();
    answerWith = 204;
    await intake.query(
      `UPDATE intake.webhook_deliveries SET next_attempt_at = now() WHERE application_id = $1`,
      [id],
    );
    await expectEventually(
      async () => {
        const [done] = (await log()).filter((d) => d.applicationId === id);
        expect(done).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 204 });
      },
      { timeoutMs: 15_000 },
    );
    const retries = received.filter((r) => r.body.includes(id));
    expect(retries).toHaveLength(2);
    // The same delivery id on each attempt: receivers drop duplicates by it.
    expect(new Set(retries.map((r) => r.headers[SIGNATURE_HEADERS.id])).size).toBe(1);
  });
});
