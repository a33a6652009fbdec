/**
 * kafkajs 2.2.4 re-arms a timer after every check of a connection's pending requests, and with nothing
 * pending and no throttle its delay is negative (1 ms): every broker connection spins a timer loop forever
 * (kafkajs#1556, unfixed upstream). Measured here: about 45 ms of CPU a second in every idle stage process.
 * This replaces the scheduler with one that arms a timer only for something to send or a throttle to wait
 * out; sends otherwise happen when a request is pushed or an in-flight one completes, as before.
 */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own interval for retrying pending requests held back by the in-flight limit. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
const FIXED_VERSION = '2.2.4';

export function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && untilUnthrottled <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

/** Installs the scheduler on the kafkajs this process loads; true if it did (only the version it fixes). */
export function fixKafkajsIdleLoop(): boolean {
  // require, not a native loader: the fix must reach the same module instance as `import 'kafkajs'` does.
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== FIXED_VERSION) return false;
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  return true;
}
