import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Configuration is read here once, validated, and handed out as a typed object. No other module reads the
 * environment. Each variable has a description, a default where one is safe, and a sensitivity flag that
 * keeps its value out of logs and `describeConfig()`.
 */
export type BusKind = 'kafka' | 'memory';

export interface PipelineConfig {
  readonly bus: BusKind;
  readonly kafkaBrokers: readonly string[];
  /** Absent: the embedded Postgres (PGlite) in this process. */
  readonly databaseUrl?: string;
  readonly databasePoolSize: number;
  readonly redisUrl: string;
  readonly httpHost: string;
  readonly httpPort: number;
  /** 32-byte master key for envelope encryption at rest. */
  readonly masterKey: Buffer;
  readonly masterKeyIsEphemeral: boolean;
  readonly blobDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly otlpEndpoint?: string;
  readonly pcscReader: string;
  readonly encoderStation: 'pcsc' | 'in-process';
  readonly virtualCardControlUrl?: string;
  readonly lane: string;
  readonly carrierDeliveryDelayMs: number;
  readonly keyedMasterSalt: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly { variable: string; problem: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable}: ${p.problem}`).join('; ')}`);
  }
}

interface Variable<T> {
  readonly description: string;
  readonly sensitive?: boolean;
  readonly default?: string;
  readonly parse: (raw: string) => T;
}

class Invalid extends Error {}
const text = (raw: string) => raw;
const integer = (min: number, max: number) => (raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Invalid(`must be an integer from ${min} to ${max}`);
  return n;
};
const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T => {
    if (!values.includes(raw as T)) throw new Invalid(`must be one of ${values.join(', ')}`);
    return raw as T;
  };
const url =
  (...protocols: string[]) =>
  (raw: string) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Invalid('must be a URL');
    }
    if (!protocols.includes(parsed.protocol)) throw new Invalid(`must use ${protocols.join(' or ')}`);
    return raw;
  };
const key32 = (raw: string) => {
  const bytes = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (bytes.length !== 32) throw new Invalid('must be 32 bytes, as 64 hex digits or base64');
  return bytes;
};

export const VARIABLES = {
  MNC_BUS: {
    description: 'Event bus: kafka, or memory for the embedded mode.',
    default: 'memory',
    parse: oneOf('kafka', 'memory'),
  },
  KAFKA_BROKERS: {
    description: 'Comma-separated Kafka bootstrap brokers.',
    default: '127.0.0.1:9092',
    parse: (raw: string) =>
      raw
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
  },
  DATABASE_URL: {
    description: 'Postgres URL. Unset: embedded Postgres (PGlite) in this process.',
    sensitive: true,
    parse: url('postgres:', 'postgresql:'),
  },
  DATABASE_POOL_SIZE: { description: 'Connections per process.', default: '10', parse: integer(1, 100) },
  REDIS_URL: {
    description: 'Redis for lane queues.',
    default: 'redis://127.0.0.1:6379',
    parse: url('redis:', 'rediss:'),
  },
  HTTP_HOST: { description: 'Interface the HTTP server binds to.', default: '127.0.0.1', parse: text },
  HTTP_PORT: { description: 'HTTP port (0: any free port).', default: '3000', parse: integer(0, 65535) },
  MNC_MASTER_KEY: {
    description:
      'Master key (32 bytes, hex or base64) wrapping per-record data keys. Required with DATABASE_URL.',
    sensitive: true,
    parse: key32,
  },
  BLOB_DIR: {
    description: 'Directory of the encrypted content-addressed blob store.',
    default: 'tmp/blobs',
    parse: text,
  },
  LOG_LEVEL: {
    description: 'Log level.',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    description: 'OTLP/HTTP endpoint for traces; unset: not exported.',
    parse: url('http:', 'https:'),
  },
  PCSC_READER: {
    description: 'PC/SC reader name prefix of the lane encoder.',
    default: 'Virtual PCD',
    parse: text,
  },
  ENCODER_STATION: {
    description: 'pcsc: a reader through pcscd; in-process: a virtual card in this process (embedded mode).',
    default: 'in-process',
    parse: oneOf('pcsc', 'in-process'),
  },
  VIRTUAL_CARD_CONTROL_URL: {
    description: 'Control API of the virtual card process that feeds blank cards to the PC/SC reader.',
    parse: url('http:'),
  },
  LANE_ID: { description: 'Name of this print-and-encode lane.', default: 'lane-1', parse: text },
  CARRIER_DELIVERY_DELAY_MS: {
    description: 'Simulated carrier: time from dispatch to delivery.',
    default: '0',
    parse: integer(0, 86_400_000),
  },
  MNC_LOOKUP_KEY: {
    description:
      'Secret (32+ characters) for keyed hashes of identifiers; a short one makes a 12-digit number guessable.',
    sensitive: true,
    parse: (raw: string) => {
      if (raw.length < 32) throw new Invalid('must be at least 32 characters');
      return raw;
    },
  },
} satisfies Record<string, Variable<unknown>>;

type Raw = Readonly<Record<string, string | undefined>>;

/** An empty value (`FOO=` in an env file, `${FOO:-}` in compose) counts as unset: the default applies. */
const given = (env: Raw, name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

export function loadConfig(env: Raw = process.env): PipelineConfig {
  const problems: { variable: string; problem: string }[] = [];
  const read = <T>(name: keyof typeof VARIABLES): T | undefined => {
    const variable = VARIABLES[name] as Variable<T>;
    const raw = given(env, name) ?? variable.default;
    if (raw === undefined || raw === '') return undefined;
    try {
      return variable.parse(raw);
    } catch (error) {
      problems.push({ variable: name, problem: error instanceof Invalid ? error.message : 'invalid' });
      return undefined;
    }
  };
  const databaseUrl = read<string>('DATABASE_URL');
  let masterKey = read<Buffer>('MNC_MASTER_KEY');
  const masterKeyIsEphemeral = masterKey === undefined;
  if (masterKey === undefined) {
    // An invalid key is already reported above; "required" is for a missing one.
    if (databaseUrl && given(env, 'MNC_MASTER_KEY') === undefined)
      problems.push({ variable: 'MNC_MASTER_KEY', problem: 'required when DATABASE_URL is set' });
    masterKey = randomBytes(32);
  }
  const lookupKey = read<string>('MNC_LOOKUP_KEY');
  const lookupKeyReported = problems.some((p) => p.variable === 'MNC_LOOKUP_KEY');
  if (!lookupKey && databaseUrl && !lookupKeyReported)
    problems.push({ variable: 'MNC_LOOKUP_KEY', problem: 'required when DATABASE_URL is set' });
  const config: PipelineConfig = {
    bus: read<BusKind>('MNC_BUS')!,
    kafkaBrokers: read<string[]>('KAFKA_BROKERS') ?? [],
    ...(databaseUrl ? { databaseUrl } : {}),
    databasePoolSize: read<number>('DATABASE_POOL_SIZE')!,
    redisUrl: read<string>('REDIS_URL')!,
    httpHost: read<string>('HTTP_HOST')!,
    httpPort: read<number>('HTTP_PORT')!,
    masterKey,
    masterKeyIsEphemeral,
    blobDir: read<string>('BLOB_DIR')!,
    logLevel: read<PipelineConfig['logLevel']>('LOG_LEVEL')!,
    ...(read<string>('OTEL_EXPORTER_OTLP_ENDPOINT')
      ? { otlpEndpoint: read<string>('OTEL_EXPORTER_OTLP_ENDPOINT') }
      : {}),
    pcscReader: read<string>('PCSC_READER')!,
    encoderStation: read<'pcsc' | 'in-process'>('ENCODER_STATION')!,
    ...(read<string>('VIRTUAL_CARD_CONTROL_URL')
      ? { virtualCardControlUrl: read<string>('VIRTUAL_CARD_CONTROL_URL') }
      : {}),
    lane: read<string>('LANE_ID')!,
    carrierDeliveryDelayMs: read<number>('CARRIER_DELIVERY_DELAY_MS')!,
    keyedMasterSalt: lookupKey ?? randomBytes(32).toString('base64'),
  };
  if (config.bus === 'kafka' && config.kafkaBrokers.length === 0) {
    problems.push({ variable: 'KAFKA_BROKERS', problem: 'required when MNC_BUS=kafka' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** A URL's user name and password (as in `redis://:secret@host`) never reach a log line. */
function withoutCredentials(raw: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return raw;
  try {
    const parsed = new URL(raw);
    if (!parsed.username && !parsed.password) return raw;
    parsed.username = parsed.username ? '(hidden)' : '';
    parsed.password = parsed.password ? '(hidden)' : '';
    return parsed.toString();
  } catch {
    return raw;
  }
}

/** Each variable with its value, sensitive ones masked: for a startup log line and `--help`. */
export function describeConfig(
  env: Raw = process.env,
): { variable: string; value: string; description: string }[] {
  return Object.entries(VARIABLES).map(([name, variable]) => {
    const v = variable as Variable<unknown>;
    const raw = given(env, name) ?? v.default;
    const value = raw === undefined ? '(unset)' : v.sensitive ? '(set, hidden)' : withoutCredentials(raw);
    return { variable: name, value, description: v.description };
  });
}

/**
 * The embedded default: everything in one process, no external service. Ignores DATABASE_URL and the bus
 * and encoder settings (they would point at services this mode promises not to need).
 */
export function loadEmbeddedConfig(env: Raw = process.env): PipelineConfig {
  const { DATABASE_URL: _ignored, ...rest } = env;
  // Without a master key the run's key is random, so blobs from an earlier run could not be read: give the
  // run a blob directory of its own.
  const blobDir =
    given(env, 'BLOB_DIR') ??
    (given(env, 'MNC_MASTER_KEY') ? undefined : mkdtempSync(join(tmpdir(), 'mnc-embedded-blobs-')));
  return loadConfig({
    ...rest,
    MNC_BUS: 'memory',
    ENCODER_STATION: 'in-process',
    HTTP_PORT: env.HTTP_PORT ?? '3000',
    ...(blobDir ? { BLOB_DIR: blobDir } : {}),
  });
}
