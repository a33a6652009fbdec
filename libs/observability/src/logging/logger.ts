import { Writable } from 'node:stream';
import pino from 'pino';
import { getActiveTraceIds } from '../tracing/active-trace';
import { getLogContext } from './log-context';
import { REDACTED, SENSITIVE_KEYS, scrubLogFields, scrubMyNumbers } from './scrub';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  service: string;
  level: LogLevel;
  /** Human-readable single-line output for local runs; still redacted and scrubbed. */
  pretty?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a capturing stream. */
  destination?: pino.DestinationStream;
}

const REDACT_PATHS = SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`]);

export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => scrubLogFields(bindings),
      log: (fields) => scrubLogFields(fields),
    },
    serializers: {
      // Applies to the final, already interpolated message.
      msg: (msg: unknown) => (typeof msg === 'string' ? scrubMyNumbers(msg) : msg),
      // formatters.log has already serialised and scrubbed errors; pino's own would re-wrap them as "Object".
      err: (err: unknown) => err,
    },
    mixin: () => ({ ...getActiveTraceIds(), ...definedOnly(getLogContext()) }),
    redact: { paths: REDACT_PATHS, censor: REDACTED },
  };
  // Synchronous so the last lines before a crash are not lost in a buffer.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const logger = pino(pinoOptions, options.pretty ? prettyStream(destination) : destination);
  scrubChildBindings(logger);
  return logger;
}

/**
 * pino applies `formatters.bindings` to the base fields only, not to `child()` bindings; child loggers inherit
 * `child` from the root through their prototype, so wrapping it once covers grandchildren too.
 */
function scrubChildBindings(logger: Logger): void {
  // Unbound on purpose: `this` must be whichever logger (root or child) `child` is called on.
  type ChildFn = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  // pino types `child` as generic over custom levels, which this service logger does not use.
  const child = logger.child as unknown as ChildFn;
  const scrubbingChild: ChildFn = function (bindings, childOptions) {
    return child.call(this, scrubLogFields(bindings), childOptions);
  };
  logger.child = scrubbingChild as unknown as Logger['child'];
}

function definedOnly(fields: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const OWN_FIELDS = new Set(['time', 'level', 'service', 'msg', 'traceId', 'spanId', 'applicationId']);

/** Rewrites pino's JSON lines as `time LEVEL [service] msg (applicationId trace) {rest}`. */
function prettyStream(out: pino.DestinationStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) out.write(formatPrettyLine(line) + '\n');
      }
      callback();
    },
  });
}

function formatPrettyLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !OWN_FIELDS.has(key)));
  const correlation = [record['applicationId'], record['traceId']].filter(Boolean).join(' ');
  return [
    String(record['time'] ?? ''),
    String(record['level'] ?? '')
      .toUpperCase()
      .padEnd(5),
    `[${String(record['service'] ?? '')}]`,
    String(record['msg'] ?? ''),
    correlation ? `(${correlation})` : '',
    Object.keys(rest).length ? JSON.stringify(rest) : '',
  ]
    .filter(Boolean)
    .join(' ');
}
