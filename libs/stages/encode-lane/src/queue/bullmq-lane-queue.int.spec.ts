// Against the real Redis: the pool queue's priorities, idempotent add and per-lane pause, as lanes see them.
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { assertServiceReachable, deferred, expectEventually, uniqueName } from '@mnc/testing';
import { BullmqLaneQueue } from './bullmq-lane-queue';
import { laneJobId, type LaneJobRef } from './lane-queue';

const REDIS_URL = process.env['MNC_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const job = (n: number, attempt = 1): LaneJobRef => ({
  applicationId: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  attempt,
});

describe('BullmqLaneQueue on Redis', () => {
  let queue: BullmqLaneQueue;
  const held: ReturnType<typeof deferred<void>>[] = [];

  beforeAll(async () => {
    await assertServiceReachable('Redis', REDIS_URL);
  });
  beforeEach(() => {
    queue = new BullmqLaneQueue({ redisUrl: REDIS_URL, pool: uniqueName('lane_pool_test') });
  });
  afterEach(async () => {
    for (const gate of held.splice(0)) gate.resolve();
    await queue.obliterate();
    await queue.close();
  });

  /** Starts a lane whose handler records each job and holds it until released. */
  function lane() {
    const started: string[] = [];
    const gates: ReturnType<typeof deferred<void>>[] = [];
    const consumer = queue.consume('lane-test', async (ref) => {
      started.push(laneJobId(ref));
      const gate = deferred<void>();
      gates.push(gate);
      held.push(gate);
      await gate.promise;
    });
    return { started, gates, consumer };
  }

  it('given a backlog of normal jobs, when an express job is added, then it is the next card started', async () => {
    for (let n = 1; n <= 5; n++) await queue.add(job(n), 'normal');
    const l = lane();
    await expectEventually(() => expect(l.started).toHaveLength(1));
    await queue.add(job(99), 'express');
    l.gates[0].resolve();
    await expectEventually(() => expect(l.started).toHaveLength(2));
    expect(l.started).toEqual([laneJobId(job(1)), laneJobId(job(99))]);
    expect((await queue.counts()).waiting).toEqual({ express: 0, normal: 4 });
  });

  it('given the same job twice (a redelivered event, a re-run sweep), then it is queued once', async () => {
    await queue.add(job(1), 'normal');
    await queue.add(job(1), 'normal');
    await queue.add(job(1, 2), 'normal');
    expect((await queue.counts()).waiting.normal).toBe(2);
  });

  it('given a job already processed, then adding it again does not run it again', async () => {
    await queue.add(job(1), 'normal');
    const l = lane();
    await expectEventually(() => expect(l.started).toHaveLength(1));
    l.gates[0].resolve();
    await expectEventually(async () => expect((await queue.counts()).completed).toBe(1));
    await queue.add(job(1), 'normal');
    expect((await queue.counts()).waiting.normal).toBe(0);
    expect(l.started).toHaveLength(1);
  });

  it('given a paused lane, then jobs wait until it resumes', async () => {
    const l = lane();
    await l.consumer.pause();
    await queue.add(job(1), 'express');
    await queue.add(job(2), 'normal');
    expect(await queue.counts()).toMatchObject({ waiting: { express: 1, normal: 1 }, active: 0 });
    expect(l.started).toEqual([]);
    l.consumer.resume();
    await expectEventually(() => expect(l.started).toEqual([laneJobId(job(1))]));
  });

  it('given a lane busy with a job, the next job named is the one it starts next, and naming it takes nothing', async () => {
    expect(await queue.next()).toBeUndefined();
    for (let n = 1; n <= 3; n++) await queue.add(job(n), 'normal');
    const l = lane();
    await expectEventually(() => expect(l.started).toHaveLength(1));
    expect(await queue.next()).toEqual(job(2));
    await queue.add(job(99), 'express');
    expect(await queue.next()).toEqual(job(99));
    expect((await queue.counts()).waiting).toEqual({ express: 1, normal: 2 });
    l.gates[0].resolve();
    await expectEventually(() => expect(l.started).toHaveLength(2));
    expect(l.started[1]).toBe(laneJobId(job(99)));
  });

  it('lists waiting jobs in the order they will be served, with priority', async () => {
    await queue.add(job(1), 'normal');
    await queue.add(job(2), 'express');
    const jobs = await queue.jobs(['waiting'], 10);
    expect(jobs.map((j) => [j.applicationId, j.priority])).toEqual([
      [job(2).applicationId, 'express'],
      [job(1).applicationId, 'normal'],
    ]);
  });
});
