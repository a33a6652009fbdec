import { DeviceTime } from './device-timing';

/** Keeps the event loop busy for `ms`, as lane work running while a device waits would. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('DeviceTime', () => {
  it('given an idle event loop, counts each wait as waited, at most 1 ms past its nominal length', async () => {
    const time = new DeviceTime();
    const started = performance.now();
    for (let i = 0; i < 5; i++) await time.delay(3);
    const elapsed = performance.now() - started;
    expect(time.simulatedMs).toBe(15);
    expect(time.waitedMs).toBeLessThanOrEqual(5 * (3 + 1));
    expect(time.waitedMs).toBeLessThanOrEqual(elapsed);
  });

  it('given work that overruns the wait, leaves the overrun to the software', async () => {
    const time = new DeviceTime();
    const started = performance.now();
    const waiting = time.delay(3);
    busyFor(20);
    await waiting;
    expect(performance.now() - started).toBeGreaterThanOrEqual(20);
    // 17 ms late because the loop was busy: at most the timer's rounding is counted as device time.
    expect(time.waitedMs).toBeLessThanOrEqual(3 + 1);
    expect(time.simulatedMs).toBe(3);
  });

  it('counts nothing for a zero wait', async () => {
    const time = new DeviceTime();
    await time.delay(0);
    expect([time.simulatedMs, time.waitedMs]).toEqual([0, 0]);
  });
});
