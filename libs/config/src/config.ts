import { createHash, hkdfSync, randomBytes } from 'node:crypto';
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
  /**
   * Seals personalisation bundles (issuance-data writes; the lanes and pre-delivery read). The id is a
   * fingerprint, so a process holding another key fails with "unknown key id" instead of a bad tag.
   */
  readonly personalisationKey: { readonly id: string; readonly key: Buffer; readonly derived: boolean };
  readonly blobDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly otlpEndpoint?: string;
  readonly pcscReader: string;
  readonly encoderStation: 'pcsc' | 'in-process';
  readonly virtualCardControlUrl?: string;
  readonly lane: string;
  /** Lanes of one pool share one queue; express jobs overtake normal ones at the next card. */
  readonly lanePool: string;
  readonly laneQueue: 'bullmq' | 'memory';
  /** Simulated device time (capacity tests): printing one card, and each APDU of the encode. */
  readonly printSeconds: number;
  readonly encodeMsPerApdu: number;
  readonly cardFaceSexPlacement: 'front' | 'back' | 'chip-only';
  readonly cardFaceMyNumberPlacement: 'back' | 'chip-only';
  readonly carrierDeliveryDelayMs: number;
  /** Shared secret of the carrier's tracking webhook signatures (HMAC-SHA256). */
  readonly carrierWebhookSecret: string;
  readonly letterFontPath: string;
  readonly keyedMasterSalt: string;
  /** Base URLs of other services' HTTP APIs (the operator dashboard's clients); unset: not called. */
  readonly serviceUrls: ServiceUrls;
  readonly dashboard: DashboardConfig;
  /** Municipal systems allowed on the intake API, each scoped to its municipality codes. */
  readonly apiClients: readonly ApiClientConfig[];
  /** The card's print font (a .ttf/.otf, or a .ttc with `#PostScriptName`): names it cannot render go to review. */
  readonly cardFont: string;
  /** Share (0..1) of automatically accepted photos that photo screening sends to a person anyway (audit). */
  readonly photoAuditShare: number;
  /** The certificate authority (apps/pki). */
  readonly pki: PkiConfig;
}

/** The CA's settings: where its public endpoints are announced, and which backend holds its keys. */
export interface PkiConfig {
  /** Base URL written into certificates for CRLs, OCSP and issuer certificates. */
  readonly publicUrl: string;
  /** software: keys sealed in Postgres with the master key; pkcs11: keys generated inside a token. */
  readonly signer: 'software' | 'pkcs11';
  readonly pkcs11Module: string;
  readonly pkcs11TokenLabel: string;
  readonly pkcs11Pin?: string;
  /** Hours from a CRL's thisUpdate to its nextUpdate. */
  readonly crlValidityHours: number;
}

/**
 * One client of the intake API (a municipal counter system, the online portal, a paper-form operator
 * desk): its id for the audit log, the municipality codes it may act for (`*`: every municipality, for
 * national systems such as the online portal) and the SHA-256 (hex) of each valid API key. Two hashes
 * during a rotation: add the new key, move the client over, remove the old one.
 */
export interface ApiClientConfig {
  readonly id: string;
  readonly municipalities: readonly string[];
  readonly keySha256: readonly string[];
}

export interface ServiceUrls {
  readonly intake?: string;
  /** The dashboard's bearer key on the intake API. */
  readonly intakeApiKey?: string;
  readonly photoScreening?: string;
  /** One per lane process: each serves /v1/lanes for the lanes it drives. */
  readonly encodeLanes: readonly string[];
  readonly pki?: string;
  readonly delivery?: string;
}

export type DashboardRole = 'viewer' | 'reviewer' | 'supervisor' | 'administrator';

/** The operator dashboard: local accounts, sessions, an optional OIDC provider, thresholds. */
export interface DashboardConfig {
  /** Local accounts; the password as an scrypt hash (`scrypt$N$r$p$salt$hash`, base64url). */
  readonly users: readonly {
    readonly name: string;
    readonly role: DashboardRole;
    readonly passwordHash: string;
  }[];
  readonly sessionSecret: Buffer;
  readonly sessionSecretIsEphemeral: boolean;
  readonly sessionHours: number;
  readonly oidc?: {
    readonly issuer: string;
    readonly clientId: string;
    readonly clientSecret?: string;
    readonly jwksUrl?: string;
    readonly redirectUrl?: string;
    readonly rolesClaim: string;
  };
  /** Seconds an item may stay in a stage before the dashboard lists it as stuck. */
  readonly stageThresholdSeconds: Readonly<Record<string, number>>;
  readonly slaHours: { readonly normal: number; readonly express: number };
  /** Consumer groups whose dead-letter topics the dashboard collects. */
  readonly deadLetterGroups: readonly string[];
}

const DASHBOARD_ROLES: readonly DashboardRole[] = ['viewer', 'reviewer', 'supervisor', 'administrator'];

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
const decimal = (min: number, max: number) => (raw: string) => {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new Invalid(`must be a number from ${min} to ${max}`);
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
  LANE_POOL: {
    description: 'Lane pool (one queue per pool) this lane takes jobs from.',
    default: 'lanes',
    parse: (raw: string) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(raw))
        throw new Invalid('must be lower-case letters, digits, - or _');
      return raw;
    },
  },
  LANE_QUEUE: {
    description:
      'Lane queue: bullmq (Redis), or memory for the embedded mode. Default: memory with MNC_BUS=memory.',
    parse: oneOf('bullmq', 'memory'),
  },
  LANE_PRINT_SECONDS: {
    description: 'Simulated printing time per card (capacity tests); 0 for none.',
    default: '0',
    parse: decimal(0, 600),
  },
  LANE_ENCODE_MS_PER_APDU: {
    description: 'Simulated encoder time per APDU (capacity tests); 0 for none.',
    default: '0',
    parse: decimal(0, 10_000),
  },
  CARD_FACE_SEX: {
    description: 'next-gen card face: where sex is shown (front, back or chip-only).',
    default: 'front',
    parse: oneOf('front', 'back', 'chip-only'),
  },
  CARD_FACE_MY_NUMBER: {
    description: 'next-gen card face: where the my number is shown (back, or chip-only).',
    default: 'back',
    parse: oneOf('back', 'chip-only'),
  },
  CARRIER_DELIVERY_DELAY_MS: {
    description: 'Simulated carrier: time from dispatch to delivery.',
    default: '0',
    parse: integer(0, 86_400_000),
  },
  INTAKE_URL: { description: 'Base URL of the intake API (dashboard).', parse: url('http:', 'https:') },
  INTAKE_API_KEY: {
    description: "The dashboard's API key for intake's personal-data reads (one of MNC_API_CLIENTS' keys).",
    sensitive: true,
    parse: text,
  },
  PHOTO_SCREENING_URL: {
    description: 'Base URL of the photo screening review API (dashboard).',
    parse: url('http:', 'https:'),
  },
  ENCODE_LANE_URLS: {
    description: 'Comma-separated base URLs of the encode-lane processes serving /v1/lanes (dashboard).',
    parse: (raw: string) =>
      raw
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean)
        .map(url('http:', 'https:')),
  },
  PKI_URL: {
    description: 'Base URL of the CA service (stages that call the CA, dashboard).',
    parse: url('http:', 'https:'),
  },
  PKI_PUBLIC_URL: {
    description: 'CA: base URL written into certificates for its CRLs, OCSP responder and CA certificates.',
    default: 'http://pki.mynumbercard-pipeline.example/',
    parse: url('http:', 'https:'),
  },
  PKI_SIGNER: {
    description: 'CA: where CA keys live: software (sealed in Postgres) or pkcs11 (a token).',
    default: 'software',
    parse: oneOf('software', 'pkcs11'),
  },
  PKI_PKCS11_MODULE: {
    description: 'CA: PKCS#11 module with PKI_SIGNER=pkcs11.',
    default: '/usr/lib/softhsm/libsofthsm2.so',
    parse: text,
  },
  PKI_PKCS11_TOKEN: { description: 'CA: label of the PKCS#11 token.', default: 'mnc-pki', parse: text },
  PKI_PKCS11_PIN: { description: 'CA: user PIN of the PKCS#11 token.', sensitive: true, parse: text },
  PKI_CRL_VALIDITY_HOURS: {
    description: 'CA: hours from a CRL’s thisUpdate to its nextUpdate.',
    default: '24',
    parse: integer(1, 24 * 31),
  },
  DELIVERY_URL: {
    description: 'Base URL of the delivery service (dashboard).',
    parse: url('http:', 'https:'),
  },
  DASHBOARD_USERS: {
    description:
      'Dashboard local accounts: comma-separated name:role:scrypt-hash (role viewer, reviewer, supervisor or administrator).',
    sensitive: true,
    default: '',
    parse: (raw: string) =>
      raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => {
          const [name, role, passwordHash, ...rest] = entry.split(':');
          if (!name || !passwordHash || rest.length > 0 || !/^[A-Za-z0-9._@-]{1,64}$/.test(name))
            throw new Invalid('each entry must be name:role:scrypt-hash');
          if (!DASHBOARD_ROLES.includes(role as DashboardRole))
            throw new Invalid(`role must be one of ${DASHBOARD_ROLES.join(', ')}`);
          if (!passwordHash.startsWith('scrypt$')) throw new Invalid('password hash must be scrypt$...');
          return { name, role: role as DashboardRole, passwordHash };
        }),
  },
  DASHBOARD_SESSION_SECRET: {
    description: 'Secret (32+ characters) signing dashboard sessions; unset: random per process.',
    sensitive: true,
    parse: (raw: string) => {
      if (raw.length < 32) throw new Invalid('must be at least 32 characters');
      return raw;
    },
  },
  DASHBOARD_SESSION_HOURS: {
    description: 'Dashboard session lifetime.',
    default: '8',
    parse: integer(1, 24),
  },
  OIDC_ISSUER: {
    description: 'OIDC issuer for dashboard login; unset: local accounts only.',
    parse: url('https:', 'http:'),
  },
  OIDC_CLIENT_ID: { description: "OIDC client id of the dashboard (the tokens' audience).", parse: text },
  OIDC_CLIENT_SECRET: { description: 'OIDC client secret (code exchange).', sensitive: true, parse: text },
  OIDC_JWKS_URL: {
    description: "OIDC JWKS URL; unset: from the issuer's discovery document.",
    parse: url('https:', 'http:'),
  },
  OIDC_REDIRECT_URL: {
    description: "The dashboard's OIDC callback URL (…/auth/oidc/callback).",
    parse: url('https:', 'http:'),
  },
  OIDC_ROLES_CLAIM: {
    description: 'Token claim holding the dashboard role(s).',
    default: 'roles',
    parse: text,
  },
  DASHBOARD_STAGE_THRESHOLDS: {
    description:
      'Seconds an item may wait in a stage before it is listed as stuck: stage=seconds, comma-separated.',
    default: 'photo-screening=3600,issuance-data=600,encode-lane=14400,pre-delivery=3600,delivery=259200',
    parse: (raw: string) =>
      Object.fromEntries(
        raw
          .split(',')
          .map((pair) => pair.trim())
          .filter(Boolean)
          .map((pair) => {
            const [stage, seconds] = pair.split('=');
            const n = Number(seconds);
            if (!stage || !Number.isInteger(n) || n < 1) throw new Invalid('must be stage=seconds pairs');
            return [stage, n];
          }),
      ),
  },
  DASHBOARD_SLA_HOURS: {
    description: 'Submission-to-delivery SLA in hours: normal,express.',
    default: '720,120',
    parse: (raw: string) => {
      const [normal, express] = raw.split(',').map(Number);
      if (!(normal > 0 && express > 0)) throw new Invalid('must be two positive numbers: normal,express');
      return { normal, express };
    },
  },
  DASHBOARD_DEAD_LETTER_GROUPS: {
    description: 'Consumer groups whose dead-letter topics the dashboard collects.',
    default: 'intake,photo-screening,issuance-data,encode-lane,pre-delivery,delivery,operator-dashboard',
    parse: (raw: string) =>
      raw
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
  },
  MNC_API_CLIENTS: {
    description:
      'Intake API clients as JSON: [{"id":"chiyoda-counter","municipalities":["131016"],"keySha256":["<64 hex>"]}]; "*" as a municipality: all.',
    sensitive: true,
    default: '[]',
    parse: apiClients,
  },
  MNC_PHOTO_AUDIT_SHARE: {
    description:
      'Share (0-1) of automatically accepted photos sent to a person for audit. 0 by default so test runs settle without a reviewer; production sets e.g. 0.02.',
    default: '0',
    parse: decimal(0, 1),
  },
  MNC_CARD_FONT: {
    description:
      'Print font of the card face, for the glyph check of names and addresses (#name picks a font of a .ttc).',
    default: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKjp-Regular',
    parse: text,
  },
  CARRIER_WEBHOOK_SECRET: {
    description:
      'Secret (32+ characters) the carrier signs tracking webhooks with (HMAC-SHA256). Unset: a random one for this run, fine for the simulated carrier only.',
    sensitive: true,
    parse: (raw: string) => {
      if (raw.length < 32) throw new Invalid('must be at least 32 characters');
      return raw;
    },
  },
  LETTER_FONT_PATH: {
    description: 'Font collection for the letters (Noto Sans CJK; the JP member is used).',
    default: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    parse: text,
  },
  MNC_PERSONALISATION_KEY: {
    description:
      'Key (32 bytes, hex or base64) sealing personalisation bundles; set it only for issuance-data, encode-lane ' +
      'and pre-delivery. Unset: derived from MNC_MASTER_KEY, which every service holds (development only).',
    sensitive: true,
    parse: key32,
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

function apiClients(raw: string): ApiClientConfig[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Invalid('must be a JSON array');
  }
  if (!Array.isArray(value)) throw new Invalid('must be a JSON array');
  const ids = new Set<string>();
  return value.map((entry: unknown, index) => {
    const client = entry as Partial<Record<keyof ApiClientConfig, unknown>>;
    const ok =
      typeof client === 'object' &&
      client !== null &&
      typeof client.id === 'string' &&
      /^[a-z0-9][a-z0-9_-]{0,62}$/.test(client.id) &&
      Array.isArray(client.municipalities) &&
      client.municipalities.length > 0 &&
      client.municipalities.every((m) => m === '*' || (typeof m === 'string' && /^[0-9]{6}$/.test(m))) &&
      Array.isArray(client.keySha256) &&
      client.keySha256.length > 0 &&
      client.keySha256.every((k) => typeof k === 'string' && /^[0-9a-f]{64}$/.test(k));
    if (!ok)
      throw new Invalid(`client ${index}: needs id, municipalities (6 digits or *) and keySha256 (hex)`);
    if (ids.has(client.id as string)) throw new Invalid(`client id ${String(client.id)} appears twice`);
    ids.add(client.id as string);
    return client as ApiClientConfig;
  });
}

type Raw = Readonly<Record<string, string | undefined>>;

function personalisationKeyOf(
  given: Buffer | undefined,
  masterKey: Buffer,
): PipelineConfig['personalisationKey'] {
  const key = given ?? Buffer.from(hkdfSync('sha256', masterKey, 'mnc', 'personalisation-bundle-key', 32));
  const fingerprint = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return { id: `pers-${fingerprint}`, key, derived: given === undefined };
}

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
    personalisationKey: personalisationKeyOf(read<Buffer>('MNC_PERSONALISATION_KEY'), masterKey),
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
    lanePool: read<string>('LANE_POOL')!,
    laneQueue:
      // Follows the bus unless set; an invalid MNC_BUS is reported once, by the bus itself.
      read<'bullmq' | 'memory'>('LANE_QUEUE') ?? (given(env, 'MNC_BUS') === 'kafka' ? 'bullmq' : 'memory'),
    printSeconds: read<number>('LANE_PRINT_SECONDS')!,
    encodeMsPerApdu: read<number>('LANE_ENCODE_MS_PER_APDU')!,
    cardFaceSexPlacement: read<'front' | 'back' | 'chip-only'>('CARD_FACE_SEX')!,
    cardFaceMyNumberPlacement: read<'back' | 'chip-only'>('CARD_FACE_MY_NUMBER')!,
    carrierDeliveryDelayMs: read<number>('CARRIER_DELIVERY_DELAY_MS')!,
    carrierWebhookSecret: read<string>('CARRIER_WEBHOOK_SECRET') ?? randomBytes(32).toString('base64'),
    letterFontPath: read<string>('LETTER_FONT_PATH')!,
    keyedMasterSalt: lookupKey ?? randomBytes(32).toString('base64'),
    serviceUrls: {
      ...(read<string>('INTAKE_URL') ? { intake: read<string>('INTAKE_URL') } : {}),
      ...(read<string>('INTAKE_API_KEY') ? { intakeApiKey: read<string>('INTAKE_API_KEY') } : {}),
      ...(read<string>('PHOTO_SCREENING_URL') ? { photoScreening: read<string>('PHOTO_SCREENING_URL') } : {}),
      encodeLanes: read<string[]>('ENCODE_LANE_URLS') ?? [],
      ...(read<string>('PKI_URL') ? { pki: read<string>('PKI_URL') } : {}),
      ...(read<string>('DELIVERY_URL') ? { delivery: read<string>('DELIVERY_URL') } : {}),
    },
    dashboard: dashboardConfig(read),
    apiClients: read<ApiClientConfig[]>('MNC_API_CLIENTS') ?? [],
    cardFont: read<string>('MNC_CARD_FONT')!,
    photoAuditShare: read<number>('MNC_PHOTO_AUDIT_SHARE')!,
    pki: {
      publicUrl: read<string>('PKI_PUBLIC_URL')!,
      signer: read<'software' | 'pkcs11'>('PKI_SIGNER')!,
      pkcs11Module: read<string>('PKI_PKCS11_MODULE')!,
      pkcs11TokenLabel: read<string>('PKI_PKCS11_TOKEN')!,
      ...(read<string>('PKI_PKCS11_PIN') ? { pkcs11Pin: read<string>('PKI_PKCS11_PIN') } : {}),
      crlValidityHours: read<number>('PKI_CRL_VALIDITY_HOURS')!,
    },
  };
  if (config.bus === 'kafka' && config.kafkaBrokers.length === 0) {
    problems.push({ variable: 'KAFKA_BROKERS', problem: 'required when MNC_BUS=kafka' });
  }
  if (Boolean(given(env, 'OIDC_ISSUER')) !== Boolean(given(env, 'OIDC_CLIENT_ID'))) {
    problems.push({ variable: 'OIDC_CLIENT_ID', problem: 'OIDC_ISSUER and OIDC_CLIENT_ID go together' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function dashboardConfig(read: <T>(name: keyof typeof VARIABLES) => T | undefined): DashboardConfig {
  const secret = read<string>('DASHBOARD_SESSION_SECRET');
  const issuer = read<string>('OIDC_ISSUER');
  const clientId = read<string>('OIDC_CLIENT_ID');
  const optional = (key: keyof typeof VARIABLES, name: string) => {
    const value = read<string>(key);
    return value ? { [name]: value } : {};
  };
  return {
    users: read<DashboardConfig['users']>('DASHBOARD_USERS') ?? [],
    sessionSecret: secret ? Buffer.from(secret, 'utf8') : randomBytes(32),
    sessionSecretIsEphemeral: !secret,
    sessionHours: read<number>('DASHBOARD_SESSION_HOURS')!,
    ...(issuer && clientId
      ? {
          oidc: {
            issuer,
            clientId,
            rolesClaim: read<string>('OIDC_ROLES_CLAIM')!,
            ...optional('OIDC_CLIENT_SECRET', 'clientSecret'),
            ...optional('OIDC_JWKS_URL', 'jwksUrl'),
            ...optional('OIDC_REDIRECT_URL', 'redirectUrl'),
          },
        }
      : {}),
    stageThresholdSeconds: read<Record<string, number>>('DASHBOARD_STAGE_THRESHOLDS')!,
    slaHours: read<{ normal: number; express: number }>('DASHBOARD_SLA_HOURS')!,
    deadLetterGroups: read<string[]>('DASHBOARD_DEAD_LETTER_GROUPS')!,
  };
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
    LANE_QUEUE: 'memory',
    HTTP_PORT: env.HTTP_PORT ?? '3000',
    ...(blobDir ? { BLOB_DIR: blobDir } : {}),
  });
}
