import { PermanentFailure } from '@mnc/messaging';
import { PkiError } from '@mnc/pki-client';
import { isPermanentJobFailure, retryDelayMs, RETRY_MAX_DELAY_MS, type LaneJobRef } from './lane-queue';
import { MemoryLaneQueue } from './memory-lane-queue';

const JOB: LaneJobRef = { applicationId: '00000000-0000-7000-8000-000000000001', attempt: 1 };

describe('lane job retry policy', () => {
  it('doubles from 1 s and stops growing at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000]);
    expect(retryDelayMs(500)).toBe(RETRY_MAX_DELAY_MS);
  });

  it('tells an outage (retry) from a refusal or a broken rule (fail now)', () => {
    expect(isPermanentJobFailure(new PkiError('unavailable', 'the CA could not be reached'))).toBe(false);
    expect(isPermanentJobFailure(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(false);
    expect(isPermanentJobFailure(new PkiError('unexpected', 'the CA left 1 certificate live'))).toBe(true);
    expect(isPermanentJobFailure(new PermanentFailure('BAD_BUNDLE', 'bundle cannot be opened'))).toBe(true);
  });

  describe('in the memory queue', () => {
    let queue: MemoryLaneQueue;
    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      queue = new MemoryLaneQueue('retry-policy');
    });
    afterEach(async () => {
      jest.useRealTimers();
      await queue.close();
    });
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    it('keeps retrying an outage longer than any short budget, then completes the job', async () => {
      let calls = 0;
      queue.consume('lane-1', async () => {
        calls++;
        if (calls <= 12) throw new PkiError('unavailable', 'the CA could not be reached');
      });
      await queue.add(JOB, 'normal');
      for (let i = 0; i < 12; i++) {
        await settle();
        jest.advanceTimersByTime(RETRY_MAX_DELAY_MS);
      }
      await settle();
      expect(calls).toBe(13);
      expect(await queue.counts()).toMatchObject({ completed: 1, failed: 0, delayed: 0 });
    });

    it('fails a job at once on a permanent failure', async () => {
      let calls = 0;
      queue.consume('lane-1', async () => {
        calls++;
        throw new PkiError('unexpected', 'the CA left 1 certificate live');
      });
      await queue.add(JOB, 'normal');
      await settle();
      jest.advanceTimersByTime(10 * RETRY_MAX_DELAY_MS);
      await settle();
      expect(calls).toBe(1);
      expect(await queue.counts()).toMatchObject({ failed: 1, delayed: 0 });
    });
  });
});
