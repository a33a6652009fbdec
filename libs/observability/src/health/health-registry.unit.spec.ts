import { HealthRegistry } from './health-registry';

const up = () => Promise.resolve({ ok: true });
const never = () => new Promise<{ ok: boolean }>(() => undefined);

describe('HealthRegistry', () => {
  it('is up with no checks', async () => {
    expect(await new HealthRegistry().report('readiness')).toEqual({ status: 'up', checks: {} });
  });

  it('is up only when every check of the kind is up', async () => {
    const health = new HealthRegistry();
    health.register({ name: 'database', kind: 'readiness', check: up });
    health.register({
      name: 'bus',
      kind: 'readiness',
      check: () => Promise.resolve({ ok: false, detail: 'no broker' }),
    });
    health.register({ name: 'event-loop', kind: 'liveness', check: up });

    const readiness = await health.report('readiness');
    expect(readiness.status).toBe('down');
    expect(readiness.checks).toEqual({
      database: { status: 'up', durationMs: expect.any(Number) },
      bus: { status: 'down', detail: 'no broker', durationMs: expect.any(Number) },
    });
    expect(await health.report('liveness')).toEqual({
      status: 'up',
      checks: { 'event-loop': { status: 'up', durationMs: expect.any(Number) } },
    });
  });

  it('counts a check that does not answer in time as down, without waiting for it', async () => {
    const health = new HealthRegistry({ defaultTimeoutMs: 5000 });
    health.register({ name: 'stuck', kind: 'readiness', check: never, timeoutMs: 20 });
    health.register({ name: 'database', kind: 'readiness', check: up });
    const started = Date.now();
    const report = await health.report('readiness');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.status).toBe('down');
    expect(report.checks['stuck']).toMatchObject({ status: 'down', detail: 'timed out after 20 ms' });
    expect(report.checks['database'].status).toBe('up');
  });

  it('applies the default timeout to checks without their own', async () => {
    const health = new HealthRegistry({ defaultTimeoutMs: 10 });
    health.register({ name: 'stuck', kind: 'liveness', check: never });
    expect((await health.report('liveness')).checks['stuck'].detail).toBe('timed out after 10 ms');
  });

  it('counts a check that throws, even synchronously, as down with a scrubbed detail', async () => {
    const health = new HealthRegistry();
    health.register({
      name: 'rejects',
      kind: 'readiness',
      check: () => Promise.reject(new Error('row 123456789012 locked')),
    });
    health.register({
      name: 'throws',
      kind: 'readiness',
      check: () => {
        throw new Error('not connected');
      },
    });
    const report = await health.report('readiness');
    expect(report.status).toBe('down');
    expect(report.checks['rejects'].detail).toBe('row [redacted-12-digits] locked');
    expect(report.checks['throws'].detail).toBe('not connected');
  });

  it('rejects a second check with the same name and kind, and unregisters', async () => {
    const health = new HealthRegistry();
    const unregister = health.register({ name: 'bus', kind: 'readiness', check: up });
    expect(() => health.register({ name: 'bus', kind: 'readiness', check: up })).toThrow(
      /already registered/,
    );
    expect(() => health.register({ name: 'bus', kind: 'liveness', check: up })).not.toThrow();
    unregister();
    expect((await health.report('readiness')).checks).toEqual({});
    expect(() => health.register({ name: 'bus', kind: 'readiness', check: up })).not.toThrow();
  });
});
