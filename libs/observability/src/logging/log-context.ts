import { AsyncLocalStorage } from 'node:async_hooks';

/** Correlation fields stamped on every log line written inside `withLogContext`. */
export interface LogContext {
  applicationId?: string;
}

const logContextStorage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with the given fields merged over the enclosing log context. */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return logContextStorage.run({ ...logContextStorage.getStore(), ...fields }, fn);
}

export function getLogContext(): LogContext {
  return logContextStorage.getStore() ?? {};
}
