import { execFileSync } from 'node:child_process';
import { authorization, getApplication, syntheticSubmission, type ApplicationView } from '@mnc/load-driver';
import { Stack } from '@mnc/testing';

/**
 * The card lifecycle on the full stack: express applications delivered by the simulated carrier, then a
 * lost card (held at the CA, reissued express, revoked with keyCompromise once the replacement is
 * delivered), a card found before its replacement arrived (hold lifted, then superseded), and a death
 * notification (affiliationChanged with the death sub-reason). The CA is checked over its own API and in
 * its CRLs as `openssl crl -text` reads them.
 */
jest.setTimeout(10 * 60_000);

const PKI_URL = 'http://127.0.0.1:3108';
const SEEDS = { lost: 710_001, found: 710_002, deceased: 710_003 } as const;

interface CaCertificate {
  serialNumber: string;
  purpose: string;
  algorithm: string;
  state: 'good' | 'held' | 'revoked';
  reason?: string;
  subReason?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns a value, or fails naming what it waited for. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The CA's CRL of the issuing CA of a certificate, as `openssl crl -text` prints it. */
async function crlText(certificate: CaCertificate): Promise<string> {
  const family = certificate.algorithm.includes('p384')
    ? 'p384'
    : certificate.algorithm.includes('p256')
      ? 'p256'
      : 'rsa2048';
  const response = await fetch(`${PKI_URL}/v1/crl/${family}-${certificate.purpose}.crl`);
  expect(response.status).toBe(200);
  const der = Buffer.from(await response.arrayBuffer());
  return execFileSync('openssl', ['crl', '-inform', 'DER', '-noout', '-text'], {
    input: der,
    encoding: 'utf8',
  });
}

/** The lines of a CRL's entry for a serial (up to the next entry), or undefined when it is not listed. */
function crlEntry(text: string, serialHex: string): string | undefined {
  const wanted = serialHex.replace(/^0+/, '').toUpperCase();
  const entries = text.split(/\n\s*Serial Number: /).slice(1);
  return entries.find((entry) => entry.split('\n')[0].trim().replace(/^0+/, '').toUpperCase() === wanted);
}

describe('lost card, found card and death on the full stack', () => {
  let stack: Stack;
  const views = new Map<keyof typeof SEEDS, ApplicationView & { cardId?: string }>();
  /** Per scenario, the card's live certificates once it was in its holder's hands. */
  const certificates = new Map<keyof typeof SEEDS, CaCertificate[]>();

  const intake = (path: string, body?: unknown) =>
    fetch(`${stack.intakeUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...authorization(stack.apiKey) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const reportedBy = { officialId: 'staff-0042', officialName: '窓口 一郎', document: 'driving-licence' };

  const view = async (id: string) =>
    (await getApplication(stack.intakeUrl, id, stack.apiKey)) as ApplicationView & { cardId?: string };
  const delivered = (id: string, timeoutMs = 180_000) =>
    eventually(
      `application ${id} delivered`,
      async () => {
        const v = await view(id);
        if (v.status === 'photo-rejected') throw new Error(`application ${id} was photo-rejected`);
        return v.status === 'delivered' && v.cardId ? v : undefined;
      },
      timeoutMs,
    );
  const cardNumberOf = async (cardId: string) =>
    (
      await stack.query<{ card_number: string }>(
        'SELECT card_number FROM pre_delivery.issued_cards WHERE card_id = $1',
        [cardId],
      )
    )[0].card_number;
  const caCertificates = async (cardId: string): Promise<CaCertificate[]> => {
    const response = await fetch(`${PKI_URL}/v1/cards/${await cardNumberOf(cardId)}/certificates`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { certificates: CaCertificate[] }).certificates;
  };
  const cardState = async (cardId: string) =>
    (
      await stack.query<{ state: string }>('SELECT state FROM pre_delivery.cards WHERE card_id = $1', [
        cardId,
      ])
    )[0]?.state;
  /** The tracked certificates of a scenario as the CA shows them now, once each satisfies `ok`. */
  const caShows = (scenario: keyof typeof SEEDS, what: string, ok: (c: CaCertificate) => boolean) =>
    eventually(`${scenario}: CA shows ${what}`, async () => {
      const tracked = new Set(certificates.get(scenario)!.map((c) => c.serialNumber));
      const now = (await caCertificates(views.get(scenario)!.cardId!)).filter((c) =>
        tracked.has(c.serialNumber),
      );
      return now.length === tracked.size && now.every(ok) ? now : undefined;
    });
  /** Waits until every tracked certificate's CRL entry satisfies `ok` (an absent entry is undefined). */
  const crlShows = (scenario: keyof typeof SEEDS, what: string, ok: (entry: string | undefined) => boolean) =>
    eventually(`${scenario}: CRL shows ${what}`, async () => {
      const entries = await Promise.all(
        certificates.get(scenario)!.map(async (c) => crlEntry(await crlText(c), c.serialNumber)),
      );
      return entries.every(ok) ? entries : undefined;
    });

  /**
   * The application's view once its timeline holds one `card.lifecycle-changed` per transition pre-delivery
   * recorded for the card and one `shipment.tracking-updated` per tracking event delivery received.
   */
  const completeTimeline = (applicationId: string, cardId: string, minTransitions = 4) =>
    eventually(`complete timeline of ${applicationId}`, async () => {
      const current = await view(applicationId);
      const [transitions] = await stack.query<{ n: string }>(
        'SELECT count(*) AS n FROM pre_delivery.card_transitions WHERE card_id = $1',
        [cardId],
      );
      const [tracking] = await stack.query<{ n: string }>(
        `SELECT count(*) AS n FROM delivery.tracking_events JOIN delivery.shipments USING (tracking_number)
          WHERE application_id = $1`,
        [applicationId],
      );
      const count = (type: string) => current.timeline!.filter((t) => t.type === type).length;
      return Number(transitions.n) >= minTransitions &&
        count('card.lifecycle-changed') === Number(transitions.n) &&
        count('shipment.tracking-updated') === Number(tracking.n)
        ? current
        : undefined;
    });

  beforeAll(async () => {
    stack = await Stack.start(`mnc_e2e_lost_${Date.now()}`);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('takes express applications from submission to delivered with every state change on the timeline', async () => {
    const ids = await Promise.all(
      (Object.keys(SEEDS) as (keyof typeof SEEDS)[]).map(async (scenario) => {
        const body = { ...(await syntheticSubmission(SEEDS[scenario])), route: 'express' };
        const response = await intake('/v1/applications', body);
        expect(response.status).toBe(201);
        return [scenario, ((await response.json()) as { id: string }).id] as const;
      }),
    );
    for (const [scenario, id] of ids) {
      views.set(scenario, await delivered(id));
    }

    for (const [scenario, v] of views) {
      // Express: delivery is the handover, so the card ends in use with its hold released.
      await eventually(`${scenario} card in use`, async () =>
        (await cardState(v.cardId!)) === 'in-use' ? true : undefined,
      );
      const full = await completeTimeline(v.id, v.cardId!);
      const types = full.timeline!.map((t) => t.type);
      for (const type of [
        'application.submitted',
        'photo.accepted',
        'issuance-data.generated',
        'card.encoded',
        'card.ready-for-dispatch',
        'card.dispatched',
        'card.delivered',
      ])
        expect({ scenario, type, present: types.includes(type) }).toEqual({ scenario, type, present: true });
      // set-up, dispatch, deliver, hand-over: one timeline entry per lifecycle change.
      expect(types.filter((t) => t === 'card.lifecycle-changed').length).toBeGreaterThanOrEqual(4);
      expect(types.filter((t) => t === 'shipment.tracking-updated').length).toBeGreaterThanOrEqual(2);

      const live = await eventually(`${scenario} certificates released`, async () => {
        // The release reached the CA (good at the CA is also what a hold that never arrived looks like).
        const [register] = await stack.query<{ status: string; sent: boolean }>(
          `SELECT status, sent_version = version AS sent FROM pre_delivery.certificate_register
            WHERE card_id = $1`,
          [v.cardId],
        );
        if (register?.status !== 'active' || !register.sent) return undefined;
        const all = await caCertificates(v.cardId!);
        const notSpoiled = all.filter((c) => !(c.state === 'revoked' && c.reason === 'cessationOfOperation'));
        return notSpoiled.length > 0 && notSpoiled.every((c) => c.state === 'good') ? notSpoiled : undefined;
      });
      certificates.set(scenario, live);
    }
  });

  it('suspends a lost card, holds its certificates, reissues it express and revokes it with keyCompromise', async () => {
    const lost = views.get('lost')!;
    const response = await intake(`/v1/cards/${lost.cardId}/loss-report`, { reportedBy });
    expect(response.status).toBe(201);
    const { reissue } = (await response.json()) as { reissue: { id: string; route: string } };
    expect(reissue.route).toBe('express');

    await eventually('lost card suspended', async () =>
      (await cardState(lost.cardId!)) === 'suspended' ? true : undefined,
    );
    await caShows('lost', 'held', (c) => c.state === 'held');
    await crlShows('lost', 'certificateHold', (entry) => !!entry && /Certificate Hold/.test(entry));

    const replacement = await delivered(reissue.id);
    expect(replacement.cardId).not.toBe(lost.cardId);
    const revoked = await caShows('lost', 'revoked keyCompromise', (c) => c.state === 'revoked');
    for (const c of revoked) expect(c.reason).toBe('keyCompromise');
    await crlShows('lost', 'keyCompromise', (entry) => !!entry && /Key Compromise/.test(entry));
    expect(await cardState(lost.cardId!)).toBe('permanently-lost');

    const reissueView = await completeTimeline(reissue.id, replacement.cardId!);
    const reissueTypes = reissueView.timeline!.map((e) => e.type);
    for (const type of ['application.submitted', 'photo.accepted', 'issuance-data.generated', 'card.encoded'])
      expect(reissueTypes).toContain(type);
    for (const type of ['card.ready-for-dispatch', 'card.dispatched', 'card.delivered'])
      expect(reissueTypes).toContain(type);
    // The lost card's own timeline: suspended on the report, permanently lost after the replacement
    // (set-up, dispatch, deliver, hand-over, report-lost, declare-permanently-lost).
    const oldTimeline = await completeTimeline(lost.id, lost.cardId!, 6);
    expect(oldTimeline.status).toBe('card-reported-lost');
    expect(oldTimeline.timeline!.map((t) => t.type)).toContain('card.loss-reported');
  });

  it('restores a card found before its replacement arrived, lifting the hold', async () => {
    const found = views.get('found')!;
    // Stop both lanes (idle now) so the replacement cannot be written before the card is found.
    await stack.kill('encode-lane-1');
    await stack.kill('encode-lane-2');
    const loss = await intake(`/v1/cards/${found.cardId}/loss-report`, { reportedBy });
    expect(loss.status).toBe(201);
    const { reissue } = (await loss.json()) as { reissue: { id: string } };
    await caShows('found', 'held', (c) => c.state === 'held');
    await crlShows('found', 'certificateHold', (entry) => !!entry && /Certificate Hold/.test(entry));

    const report = await intake(`/v1/cards/${found.cardId}/found-report`, { reportedBy });
    expect(report.status).toBe(200);
    await eventually('found card restored', async () =>
      (await cardState(found.cardId!)) === 'in-use' ? true : undefined,
    );
    await caShows('found', 'hold lifted', (c) => c.state === 'good');
    await crlShows('found', 'no entry', (entry) => entry === undefined);
    expect((await view(reissue.id)).status).not.toBe('delivered');

    await stack.startProcess('encode-lane-1');
    await stack.startProcess('encode-lane-2');
    // The replacement still goes on: once delivered, the restored card is superseded.
    await delivered(reissue.id);
    const revoked = await caShows('found', 'revoked superseded', (c) => c.state === 'revoked');
    for (const c of revoked) expect(c.reason).toBe('superseded');
    await crlShows('found', 'superseded', (entry) => !!entry && /Superseded/.test(entry));
  });

  it('revokes the card of a deceased holder with affiliationChanged and the death sub-reason', async () => {
    const deceased = views.get('deceased')!;
    const response = await intake(`/v1/cards/${deceased.cardId}/holder-deceased`, { reportedBy });
    expect(response.status).toBe(200);

    const revoked = await caShows('deceased', 'revoked', (c) => c.state === 'revoked');
    for (const c of revoked)
      expect({ reason: c.reason, subReason: c.subReason }).toEqual({
        reason: 'affiliationChanged',
        subReason: 'death',
      });
    await crlShows(
      'deceased',
      'Affiliation Changed with death',
      (entry) =>
        !!entry &&
        /Affiliation Changed/.test(entry) &&
        /1\.3\.6\.1\.4\.1\.32473\.2\.1:\s*\n\s*\.\.death/.test(entry),
    );
    expect(await cardState(deceased.cardId!)).toBe('revoked');
    expect((await view(deceased.id)).status).toBe('holder-deceased');
  });
});
