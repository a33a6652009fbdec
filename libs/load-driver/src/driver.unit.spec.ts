import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInNewContext } from 'node:vm';
import {
  DriverError,
  hopDurationsMs,
  isFetchFailure,
  submitToReadyForDispatchMs,
  waitUntilSettled,
} from './driver';

describe('isFetchFailure', () => {
  it('recognises a TypeError from another realm, as fetch throws inside a Jest test', () => {
    const foreign = runInNewContext('new TypeError("fetch failed")') as unknown;
    expect(foreign instanceof TypeError).toBe(false);
    expect(isFetchFailure(foreign)).toBe(true);
  });

  it('recognises a TypeError of this realm', () => {
    expect(isFetchFailure(new TypeError('fetch failed'))).toBe(true);
  });

  it('does not take other errors for a network failure', () => {
    expect(isFetchFailure(new DriverError('submission failed with 422'))).toBe(false);
    expect(isFetchFailure(new RangeError('x'))).toBe(false);
    expect(isFetchFailure('fetch failed')).toBe(false);
    expect(isFetchFailure(undefined)).toBe(false);
  });
});

describe('hopDurationsMs', () => {
  const at = (ms: number) => new Date(Date.parse('2026-11-28T00:00:00Z') + ms).toISOString();
  const event = (type: string, ms: number) => ({ eventId: type, type, source: '/mnc/test', at: at(ms) });

  it('times each hop from the previous event, the first from the submission', () => {
    const view = {
      id: 'a',
      status: 'delivered',
      submittedAt: at(0),
      timeline: [
        event('application.submitted', 0),
        event('photo.accepted', 120),
        event('issuance-data.generated', 200),
        event('card.encoded', 900),
        event('card.ready-for-dispatch', 950),
        event('card.dispatched', 1000),
        event('card.delivered', 1300),
      ],
    };
    expect(hopDurationsMs(view)).toEqual({
      'photo-screening': 120,
      'issuance-data': 80,
      'encode-lane': 700,
      'pre-delivery': 50,
      delivery: 50,
    });
    expect(submitToReadyForDispatchMs(view)).toBe(950);
  });

  it('leaves out hops whose event, or the one before, is missing', () => {
    const view = {
      id: 'b',
      status: 'encoding',
      submittedAt: at(0),
      timeline: [event('photo.accepted', 100), event('card.encoded', 700)],
    };
    expect(hopDurationsMs(view)).toEqual({ 'photo-screening': 100 });
    expect(submitToReadyForDispatchMs(view)).toBeUndefined();
  });
});

describe('waitUntilSettled', () => {
  /** A stand-in for intake's two read endpoints: applications settle one poll round at a time. */
  async function fakeIntake(total: number) {
    const status = new Map(
      Array.from({ length: total }, (_, i) => [`app-${String(i).padStart(3, '0')}`, 'photo-screening']),
    );
    const hits = { list: 0, get: 0 };
    const server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const view = (id: string) => ({
        id,
        status: status.get(id),
        submittedAt: '2026-11-28T00:00:00Z',
        timeline: [],
      });
      response.setHeader('content-type', 'application/json');
      if (url.pathname === '/v1/applications') {
        hits.list++;
        const wanted = url.searchParams.get('status');
        const limit = Number(url.searchParams.get('limit'));
        const before = url.searchParams.get('before');
        const ids = [...status.keys()]
          .filter((id) => status.get(id) === wanted && (before === null || id < before))
          .sort()
          .reverse();
        const items = ids.slice(0, limit).map(view);
        const last = items.at(-1);
        response.end(
          JSON.stringify({
            items,
            ...(items.length === limit && last
              ? { next: `/v1/applications?status=${wanted}&before=${last.id}&limit=${limit}` }
              : {}),
          }),
        );
        return;
      }
      hits.get++;
      const id = url.pathname.split('/').at(-1)!;
      response.end(JSON.stringify(view(id)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const settleSome = (n: number) => {
      for (const id of [...status.keys()].filter((k) => status.get(k) !== 'delivered').slice(0, n))
        status.set(id, id.endsWith('7') ? 'photo-rejected' : 'delivered');
    };
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      ids: [...status.keys()],
      hits,
      settleSome,
      close: () => server.close(),
    };
  }

  it('given a large batch, fetches each application in full only once it has settled', async () => {
    const intake = await fakeIntake(450);
    try {
      const timer = setInterval(() => intake.settleSome(60), 20);
      const settled = await waitUntilSettled({
        baseUrl: intake.baseUrl,
        ids: intake.ids,
        timeoutMs: 30_000,
        pollIntervalMs: 10,
      });
      clearInterval(timer);
      expect(settled.size).toBe(450);
      expect([...settled.values()].filter((v) => v.status === 'photo-rejected')).toHaveLength(45);
      // Rounds at 17+ pending list, the last few ask directly: full fetches stay near one per application.
      expect(intake.hits.get).toBeLessThan(450 + 16 * 5);
      expect(intake.hits.list).toBeGreaterThan(0);
    } finally {
      intake.close();
    }
  });

  it('fails with the count still pending when the time is up', async () => {
    const intake = await fakeIntake(20);
    try {
      intake.settleSome(5);
      await expect(
        waitUntilSettled({ baseUrl: intake.baseUrl, ids: intake.ids, timeoutMs: 200, pollIntervalMs: 20 }),
      ).rejects.toThrow('15 of 20 applications had not settled in time');
    } finally {
      intake.close();
    }
  });
});
