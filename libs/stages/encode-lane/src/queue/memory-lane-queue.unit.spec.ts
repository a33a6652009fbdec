// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { deferred } from '@mnc/testing';
import { laneJobId, laneJobOf, type LaneJobRef } from './lane-queue';
import { MemoryLaneQueue } from './memory-lane-queue';

const job = (n: number, attempt = 1): LaneJobRef => ({
  applicationId: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  attempt,
});

/** Every held job, released after each test so the queue can close (close waits for the job in hand). */
const held: ReturnType<typeof deferred<void>>[] = [];

/** A handler that records the order jobs start in and holds each until released. */
function recorder() {
  const started: string[] = [];
  const gates: ReturnType<typeof deferred<void>>[] = [];
  let onStart: (() => void) | undefined;
  const handler = async (ref: LaneJobRef) => {
    started.push(laneJobId(ref));
    const gate = deferred<void>();
    gates.push(gate);
    held.push(gate);
    onStart?.();
    await gate.promise;
  };
  const nextStart = () => new Promise<void>((resolve) => (onStart = resolve));
  return { started, gates, handler, nextStart };
}

describe('MemoryLaneQueue', () => {
  let queue: MemoryLaneQueue;
  beforeEach(() => {
    queue = new MemoryLaneQueue('test-pool');
  });
  afterEach(async () => {
    for (const gate of held.splice(0)) gate.resolve();
    await queue.close();
  });

  describe('given a backlog of normal jobs and a lane busy with the first', () => {
    it('when an express job is added, then it is the next card started', async () => {
      const r = recorder();
      for (let n = 1; n <= 4; n++) await queue.add(job(n), 'normal');
      const first = r.nextStart();
      queue.consume('lane-1', r.handler);
      await first;
      await queue.add(job(99), 'express');
      const second = r.nextStart();
      r.gates[0].resolve();
      await second;
      expect(r.started).toEqual([laneJobId(job(1)), laneJobId(job(99))]);
    });
  });

  describe('given a lane busy with a job and others waiting', () => {
    it('when asked for the next job, then it names the one the lane will start next, without taking it', async () => {
      const r = recorder();
      for (let n = 1; n <= 3; n++) await queue.add(job(n), 'normal');
      const first = r.nextStart();
      queue.consume('lane-1', r.handler);
      await first;
      expect(await queue.next()).toEqual(job(2));
      await queue.add(job(99), 'express');
      expect(await queue.next()).toEqual(job(99));
      expect((await queue.counts()).waiting).toEqual({ express: 1, normal: 2 });
      const second = r.nextStart();
      r.gates[0].resolve();
      await second;
      expect(r.started).toEqual([laneJobId(job(1)), laneJobId(job(99))]);
    });

    it('when nothing waits, then there is no next job', async () => {
      expect(await queue.next()).toBeUndefined();
    });
  });

  it('reads a job id back into its job, and nothing from an id the lanes did not make', () => {
    expect(laneJobOf(laneJobId(job(7, 3)))).toEqual(job(7, 3));
    expect(laneJobOf('not-a-lane-job')).toBeUndefined();
  });

  it('serves normal jobs in arrival order', async () => {
    const r = recorder();
    for (const n of [3, 1, 2]) await queue.add(job(n), 'normal');
    const started = r.nextStart();
    queue.consume('lane-1', r.handler);
    await started;
    for (let i = 1; i < 3; i++) {
      const next = r.nextStart();
      r.gates[i - 1].resolve();
      await next;
    }
    expect(r.started).toEqual([job(3), job(1), job(2)].map(laneJobId));
  });

  it('given the same job id twice, then it is queued once', async () => {
    await queue.add(job(1), 'normal');
    await queue.add(job(1), 'express');
    expect((await queue.counts()).waiting).toEqual({ express: 0, normal: 1 });
  });

  it('given a new attempt of the same application, then it is a separate job', async () => {
    await queue.add(job(1, 1), 'normal');
    await queue.add(job(1, 2), 'normal');
    expect((await queue.counts()).waiting.normal).toBe(2);
  });

  describe('given a paused lane', () => {
    it('then it takes no job until resumed', async () => {
      const r = recorder();
      const consumer = queue.consume('lane-1', r.handler);
      await consumer.pause();
      await queue.add(job(1), 'normal');
      await new Promise((resolve) => setImmediate(resolve));
      expect(r.started).toEqual([]);
      expect((await queue.counts()).waiting.normal).toBe(1);
      const started = r.nextStart();
      consumer.resume();
      await started;
      expect(r.started).toEqual([laneJobId(job(1))]);
      r.gates[0].resolve();
    });

    it('then pause resolves only after the job in hand has finished', async () => {
      const r = recorder();
      await queue.add(job(1), 'normal');
      await queue.add(job(2), 'normal');
      const started = r.nextStart();
      const consumer = queue.consume('lane-1', r.handler);
      await started;
      let paused = false;
      const pausing = consumer.pause().then(() => (paused = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(paused).toBe(false);
      r.gates[0].resolve();
      await pausing;
      expect(r.started).toEqual([laneJobId(job(1))]);
      expect((await queue.counts()).completed).toBe(1);
    });
  });

  it('given a handler that throws, then the job is retried later, not lost', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      let calls = 0;
      const done = deferred<void>();
      queue.consume('lane-1', async () => {
        calls++;
        if (calls === 1) throw new Error('database down');
        done.resolve();
      });
      await queue.add(job(1), 'normal');
      await new Promise((resolve) => setImmediate(resolve));
      expect((await queue.counts()).delayed).toBe(1);
      jest.advanceTimersByTime(1000);
      await done.promise;
      expect(calls).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lists jobs with their state and priority', async () => {
    await queue.add(job(1), 'normal');
    await queue.add(job(2), 'express');
    const jobs = await queue.jobs(['waiting'], 10);
    expect(jobs.map((j) => [j.attempt, j.priority, j.state])).toEqual([
      [1, 'express', 'waiting'],
      [1, 'normal', 'waiting'],
    ]);
  });
});
