import { fixKafkajsIdleLoop } from './kafkajs-idle-fix';

type Queue = {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
};
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => Queue;
const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const newQueue = () =>
  new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silent,
  });

describe('the kafkajs idle loop fix', () => {
  afterEach(() => jest.useRealTimers());

  it('stops the unfixed queue from re-arming a timer every millisecond with nothing to send', () => {
    jest.useFakeTimers();
    const unfixed = newQueue();
    unfixed.checkPendingRequests();
    // Without the fix the queue always has a timer armed, even with nothing pending.
    const spinning = unfixed.throttleCheckTimeoutId !== null;
    unfixed.destroy();

    expect(fixKafkajsIdleLoop()).toBe(true);
    const queue = newQueue();
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
    jest.advanceTimersByTime(1000);
    expect(queue.throttleCheckTimeoutId).toBeNull();
    queue.destroy();
    expect(spinning).toBe(true);
  });

  it('still wakes up for pending requests and when a throttle ends', () => {
    fixKafkajsIdleLoop();
    jest.useFakeTimers();
    const queue = newQueue();
    const checks = jest.spyOn(queue, 'checkPendingRequests');
    queue.pending.push({});
    queue.throttledUntil = Date.now() + 500;
    (queue as unknown as { scheduleCheckPendingRequests(): void }).scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
    jest.advanceTimersByTime(499);
    expect(checks).not.toHaveBeenCalled();
    queue.pending.length = 0; // so the check itself does not try to send the stand-in request
    jest.advanceTimersByTime(1);
    expect(checks).toHaveBeenCalledTimes(1);
    queue.destroy();
  });
});
