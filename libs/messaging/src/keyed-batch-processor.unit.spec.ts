import { ContractViolationError } from '@mnc/contracts';
import {
  DLT_HEADERS,
  NO_INSTRUMENTATION,
  PermanentFailure,
  processKeyedBatch,
  type ConsumeOutcome,
  type InboundRecord,
  type KeyedBatchProcessorOptions,
  type OutgoingRecord,
  type RecordHandler,
} from './index';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { deferred } from '@mnc/testing';

const TOPIC = 'mnc.photo.accepted.v1';
const DLT = 'mnc.dlt.test-group.v1';

/** Records of the given keys in this order, offsets counting from 100 like the middle of a partition. */
function batch(...keys: string[]): InboundRecord[] {
  const seen = new Map<string, number>();
  return keys.map((key, i) => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return {
      topic: TOPIC,
      partition: 3,
      offset: String(100 + i),
      key,
      value: Buffer.from(`${key}#${n}`),
      headers: { ce_id: `id-${key}-${n}`, ce_type: 'jp.mynumbercard.photo.accepted.v1' },
    };
  });
}
const label = (r: InboundRecord) => r.value.toString();
const tick = () => new Promise((resolve) => setImmediate(resolve));

function options(handler: RecordHandler, overrides: Partial<KeyedBatchProcessorOptions> = {}) {
  const published: OutgoingRecord[] = [];
  const sleeps: number[] = [];
  const outcomes: [string, ConsumeOutcome][] = [];
  const opts: KeyedBatchProcessorOptions = {
    groupId: 'test-group',
    handler,
    deadLetterTopic: DLT,
    retry: { maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 1000 },
    publish: async (records) => void published.push(...records),
    instrumentation: {
      ...NO_INSTRUMENTATION,
      recordOutcome: (r, _g, outcome) => void outcomes.push([label(r), outcome]),
    },
    isRunning: () => true,
    // Backoff is recorded, not waited for: the tests measure order, never wall time.
    sleep: async (ms) => {
      sleeps.push(ms);
      for (let i = 0; i < 5; i++) await tick();
    },
    ...overrides,
  };
  return { opts, published, sleeps, outcomes };
}

describe('processKeyedBatch: ordering', () => {
  it('given many records on several keys, when processed concurrently, then each key is handled strictly in order', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const records = batch(...Array.from({ length: 100 }, (_, i) => keys[(i * 7) % 5]));
    const seen = new Map<string, string[]>();
    const inFlight = new Map<string, number>();
    let maxPerKey = 0;
    let maxOverall = 0;
    let overall = 0;
    const handler: RecordHandler = async (r) => {
      const now = (inFlight.get(r.key) ?? 0) + 1;
      inFlight.set(r.key, now);
      overall++;
      maxPerKey = Math.max(maxPerKey, now);
      maxOverall = Math.max(maxOverall, overall);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      seen.set(r.key, [...(seen.get(r.key) ?? []), label(r)]);
      inFlight.set(r.key, (inFlight.get(r.key) ?? 0) - 1);
      overall--;
    };

    const finished = await processKeyedBatch(records, options(handler).opts);

    expect(finished).toBe(100);
    for (const key of keys)
      expect(seen.get(key)).toEqual(Array.from({ length: 20 }, (_, n) => `${key}#${n}`));
    expect(maxPerKey).toBe(1);
    expect(maxOverall).toBeGreaterThan(1);
  });

  it('given keyConcurrency 2, when five keys are pending, then at most two handlers run at once', async () => {
    let running = 0;
    let max = 0;
    const handler: RecordHandler = async () => {
      max = Math.max(max, ++running);
      await tick();
      running--;
    };

    await processKeyedBatch(
      batch('a', 'b', 'c', 'd', 'e', 'a', 'b'),
      options(handler, { keyConcurrency: 2 }).opts,
    );

    expect(max).toBe(2);
  });

  it('given an empty batch, then nothing is handled and zero is finished', async () => {
    const handler = jest.fn();

    await expect(processKeyedBatch([], options(handler).opts)).resolves.toBe(0);
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('processKeyedBatch: transient failures', () => {
  it('given one key failing transiently, when processed, then it retries with backoff while the other keys finish first', async () => {
    const completed: string[] = [];
    const attempts: number[] = [];
    const handler: RecordHandler = async (r, ctx) => {
      if (r.key === 'slow') attempts.push(ctx.attempt);
      if (label(r) === 'slow#0' && ctx.attempt < 3) throw new Error('database restarting');
      await tick();
      completed.push(label(r));
    };
    const { opts, sleeps, published, outcomes } = options(handler);

    const finished = await processKeyedBatch(batch('slow', 'x', 'slow', 'y', 'x', 'z'), opts);

    expect(finished).toBe(6);
    expect(attempts).toEqual([1, 2, 3, 1]);
    expect(completed.slice(0, 4).sort()).toEqual(['x#0', 'x#1', 'y#0', 'z#0']);
    expect(completed.slice(4)).toEqual(['slow#0', 'slow#1']);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
    expect(published).toEqual([]);
    expect(outcomes.filter(([l]) => l === 'slow#0').map(([, o]) => o)).toEqual([
      'retried',
      'retried',
      'processed',
    ]);
  });

  it('given a record that always fails transiently, when the attempts run out, then it is dead-lettered and the key moves on', async () => {
    const calls: string[] = [];
    const handler: RecordHandler = async (r) => {
      calls.push(label(r));
      if (label(r) === 'k#0') throw new Error('still down');
    };
    const { opts, published, sleeps } = options(handler, {
      retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 15 },
    });

    const finished = await processKeyedBatch(batch('k', 'k'), opts);

    expect(finished).toBe(2);
    expect(calls).toEqual(['k#0', 'k#0', 'k#0', 'k#1']);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms <= 15)).toBe(true);
    expect(published).toHaveLength(1);
    expect(published[0].headers[DLT_HEADERS.attempts]).toBe('3');
    expect(published[0].headers[DLT_HEADERS.errorCode]).toBe('Error');
    expect(published[0].headers[DLT_HEADERS.errorMessage]).toBe('still down');
  });
});

describe('processKeyedBatch: permanent failures and dead letters', () => {
  it('given a permanent failure, then the record is parked at once with its error and original value and headers', async () => {
    const calls: string[] = [];
    const handler: RecordHandler = async (r) => {
      calls.push(label(r));
      if (label(r) === 'k#1')
        throw new PermanentFailure('CARD_ALREADY_ISSUED', 'a live card exists for this application');
    };
    const records = batch('k', 'k', 'k', 'other');
    const { opts, published, sleeps, outcomes } = options(handler);

    const finished = await processKeyedBatch(records, opts);

    expect(finished).toBe(4);
    expect(calls).toEqual(expect.arrayContaining(['k#0', 'k#1', 'k#2', 'other#0']));
    expect(calls.filter((c) => c === 'k#1')).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(published).toHaveLength(1);
    const [parked] = published;
    expect(parked.topic).toBe(DLT);
    expect(parked.key).toBe('k');
    expect(parked.value.toString()).toBe('k#1');
    expect(parked.headers).toMatchObject({
      ...records[1].headers,
      [DLT_HEADERS.errorCode]: 'CARD_ALREADY_ISSUED',
      [DLT_HEADERS.errorMessage]: 'a live card exists for this application',
      [DLT_HEADERS.sourceTopic]: TOPIC,
      [DLT_HEADERS.sourcePartition]: '3',
      [DLT_HEADERS.sourceOffset]: '101',
      [DLT_HEADERS.group]: 'test-group',
      [DLT_HEADERS.attempts]: '1',
    });
    expect(Date.parse(parked.headers[DLT_HEADERS.failedAt])).not.toBeNaN();
    expect(parked.headers).not.toHaveProperty(DLT_HEADERS.errorDetails);
    expect(outcomes).toContainEqual(['k#1', 'dead_lettered']);
  });

  it('given a contract violation, then its code and details (field paths) travel in the dead-letter headers', async () => {
    const handler: RecordHandler = async () => {
      throw new ContractViolationError('SCHEMA_VIOLATION', 'bad payload', [
        { path: '/photo/hash', message: 'pattern' },
      ]);
    };
    const { opts, published } = options(handler);

    await processKeyedBatch(batch('k'), opts);

    expect(published[0].headers[DLT_HEADERS.errorCode]).toBe('SCHEMA_VIOLATION');
    expect(JSON.parse(published[0].headers[DLT_HEADERS.errorDetails])).toEqual([
      { path: '/photo/hash', message: 'pattern' },
    ]);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'boom'],
  ])(
    'given a handler that rejects with %s (not an Error), then the record is still dead-lettered',
    async (_what, thrown) => {
      const handler: RecordHandler = () => Promise.reject(thrown);
      const { opts, published } = options(handler, {
        retry: { maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      });

      await expect(processKeyedBatch(batch('k'), opts)).resolves.toBe(1);
      expect(published).toHaveLength(1);
      expect(published[0].headers[DLT_HEADERS.errorCode]).toBe('UNKNOWN');
      expect(published[0].headers[DLT_HEADERS.errorMessage]).toBe(String(thrown));
    },
  );

  it('given the dead-letter publish fails twice, then it is retried until it lands and processing continues', async () => {
    let publishCalls = 0;
    const landed: OutgoingRecord[] = [];
    const handler: RecordHandler = async (r) => {
      if (label(r) === 'k#0') throw new PermanentFailure('BAD', 'bad');
    };
    const { opts, sleeps } = options(handler, {
      publish: async (records) => {
        if (++publishCalls <= 2) throw new Error('broker not available');
        landed.push(...records);
      },
    });

    const finished = await processKeyedBatch(batch('k', 'k'), opts);

    expect(finished).toBe(2);
    expect(publishCalls).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(landed.map((r) => r.value.toString())).toEqual(['k#0']);
  });

  it('given the dead-letter publish keeps failing and the subscription stops, then the record is left unfinished', async () => {
    let running = true;
    const handler: RecordHandler = async (r) => {
      if (label(r) === 'k#1') throw new PermanentFailure('BAD', 'bad');
    };
    const { opts } = options(handler, {
      isRunning: () => running,
      publish: async () => {
        running = false;
        throw new Error('broker not available');
      },
    });

    await expect(processKeyedBatch(batch('k', 'k', 'k'), opts)).resolves.toBe(1);
  });
});

describe('processKeyedBatch: stopping', () => {
  it('given a stop during a backoff, then the finished prefix is returned and the rest of that key is abandoned', async () => {
    let running = true;
    const handled: string[] = [];
    const otherKeyDone = deferred();
    const handler: RecordHandler = async (r) => {
      if (label(r) === 'a#1') throw new Error('transient');
      handled.push(label(r));
      if (label(r) === 'b#1') otherKeyDone.resolve();
    };
    const { opts } = options(handler, {
      isRunning: () => running,
      sleep: async () => {
        await otherKeyDone.promise;
        running = false;
      },
    });
    //                                 0     1     2     3     4
    const finished = await processKeyedBatch(batch('a', 'b', 'a', 'b', 'a'), opts);

    expect(finished).toBe(2);
    expect(handled).not.toContain('a#2');
    expect(handled.sort()).toEqual(['a#0', 'b#0', 'b#1']);
  });

  it('given a stop while a handler is in flight, then that handler finishes but no further record is started', async () => {
    let running = true;
    const handled: string[] = [];
    const release = deferred();
    const handler: RecordHandler = async (r) => {
      if (label(r) === 'a#0') {
        running = false;
        await release.promise;
      }
      handled.push(label(r));
    };
    const { opts } = options(handler, { isRunning: () => running, keyConcurrency: 1 });

    const result = processKeyedBatch(batch('a', 'a', 'b'), opts);
    await tick();
    release.resolve();

    await expect(result).resolves.toBe(1);
    expect(handled).toEqual(['a#0']);
  });

  it('given a subscription that is already stopping, then nothing is handled', async () => {
    const handler = jest.fn();

    await expect(
      processKeyedBatch(batch('a', 'b'), options(handler, { isRunning: () => false }).opts),
    ).resolves.toBe(0);
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('processKeyedBatch: outcomes and heartbeats', () => {
  it('given a handler that reports a duplicate, then the outcome is recorded as duplicate', async () => {
    const { opts, outcomes } = options(async () => 'duplicate');

    await processKeyedBatch(batch('k'), opts);

    expect(outcomes).toEqual([['k#0', 'duplicate']]);
  });

  it('given a slow handler, then the group is heartbeated about every second until the batch ends', async () => {
    jest.useFakeTimers();
    try {
      const release = deferred();
      const heartbeat = jest.fn(async () => undefined);
      const { opts } = options(() => release.promise, { heartbeat });

      const result = processKeyedBatch(batch('k'), opts);
      await jest.advanceTimersByTimeAsync(3500);
      expect(heartbeat).toHaveBeenCalledTimes(3);
      release.resolve();
      await result;
      await jest.advanceTimersByTimeAsync(5000);

      expect(heartbeat).toHaveBeenCalledTimes(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
