import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ConfigError, describeConfig, loadConfig, loadEmbeddedConfig, VARIABLES } from './config';

const HEX_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const BASE64_KEY = Buffer.alloc(32, 7).toString('base64');
const DATABASE_URL = 'postgres://mnc:s3cret@db.internal:5432/mnc';

/** The problems a configuration error lists, as `VARIABLE: problem`. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.problem}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  describe('given an empty environment', () => {
    it('then every variable takes its default and the embedded database is used', () => {
      const config = loadConfig({});
      expect(config).toMatchObject({
        bus: 'memory',
        kafkaBrokers: ['127.0.0.1:9092'],
        databasePoolSize: 10,
        redisUrl: 'redis://127.0.0.1:6379',
        httpHost: '127.0.0.1',
        httpPort: 3000,
        blobDir: 'tmp/blobs',
        logLevel: 'info',
        pcscReader: 'Virtual PCD',
        encoderStation: 'in-process',
        lane: 'lane-1',
        carrierDeliveryDelayMs: 0,
      });
      expect(config).not.toHaveProperty('databaseUrl');
      expect(config).not.toHaveProperty('otlpEndpoint');
      expect(config).not.toHaveProperty('virtualCardControlUrl');
    });

    it('then the master key is a random 32-byte key flagged ephemeral, new on every load', () => {
      const first = loadConfig({});
      const second = loadConfig({});
      expect(first.masterKey).toHaveLength(32);
      expect(first.masterKeyIsEphemeral).toBe(true);
      expect(first.masterKey.equals(second.masterKey)).toBe(false);
    });

    it('then the lookup salt is random per load', () => {
      expect(loadConfig({}).keyedMasterSalt).not.toBe(loadConfig({}).keyedMasterSalt);
    });
  });

  it('given an empty value for a variable with a default, then the default applies', () => {
    const config = loadConfig({ HTTP_PORT: '', LOG_LEVEL: '', BLOB_DIR: '' });
    expect(config.httpPort).toBe(3000);
    expect(config.logLevel).toBe('info');
    expect(config.blobDir).toBe('tmp/blobs');
  });

  it('given explicit values, then they are parsed to their types', () => {
    const config = loadConfig({
      MNC_BUS: 'kafka',
      KAFKA_BROKERS: ' k1:9092, k2:9092 ,',
      DATABASE_POOL_SIZE: '25',
      HTTP_PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example:4318',
      VIRTUAL_CARD_CONTROL_URL: 'http://127.0.0.1:35980',
      CARRIER_DELIVERY_DELAY_MS: '1500',
      MNC_LOOKUP_KEY: 'lookup-secret-of-at-least-32-characters',
    });
    expect(config).toMatchObject({
      bus: 'kafka',
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      databasePoolSize: 25,
      httpPort: 0,
      otlpEndpoint: 'https://otel.example:4318',
      virtualCardControlUrl: 'http://127.0.0.1:35980',
      carrierDeliveryDelayMs: 1500,
      keyedMasterSalt: 'lookup-secret-of-at-least-32-characters',
    });
  });

  describe('given several invalid variables', () => {
    it('then all of them are reported at once, each by name', () => {
      expect(
        problemsOf({
          MNC_BUS: 'rabbit',
          DATABASE_POOL_SIZE: '0',
          HTTP_PORT: '70000',
          REDIS_URL: 'http://redis',
          LOG_LEVEL: 'verbose',
          DATABASE_URL: 'mysql://db/mnc',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
          CARRIER_DELIVERY_DELAY_MS: '1.5',
          ENCODER_STATION: 'usb',
        }),
      ).toEqual([
        'DATABASE_URL: must use postgres: or postgresql:',
        'MNC_BUS: must be one of kafka, memory',
        'DATABASE_POOL_SIZE: must be an integer from 1 to 100',
        'REDIS_URL: must use redis: or rediss:',
        'HTTP_PORT: must be an integer from 0 to 65535',
        'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
        'OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL',
        'ENCODER_STATION: must be one of pcsc, in-process',
        'CARRIER_DELIVERY_DELAY_MS: must be an integer from 0 to 86400000',
      ]);
    });

    it('then the error message names every variable', () => {
      expect(() => loadConfig({ HTTP_PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(
        /HTTP_PORT: must be an integer.*LOG_LEVEL: must be one of/,
      );
    });
  });

  describe('given DATABASE_URL', () => {
    it('when neither MNC_MASTER_KEY nor MNC_LOOKUP_KEY is set, then both are reported as required', () => {
      expect(problemsOf({ DATABASE_URL })).toEqual([
        'MNC_MASTER_KEY: required when DATABASE_URL is set',
        'MNC_LOOKUP_KEY: required when DATABASE_URL is set',
      ]);
    });

    it('when MNC_LOOKUP_KEY is shorter than 32 characters, then it is reported as too short', () => {
      expect(problemsOf({ DATABASE_URL, MNC_MASTER_KEY: HEX_KEY, MNC_LOOKUP_KEY: 'short' })).toEqual([
        'MNC_LOOKUP_KEY: must be at least 32 characters',
      ]);
    });

    it('when only MNC_LOOKUP_KEY is missing, then only it is reported', () => {
      expect(problemsOf({ DATABASE_URL, MNC_MASTER_KEY: HEX_KEY })).toEqual([
        'MNC_LOOKUP_KEY: required when DATABASE_URL is set',
      ]);
    });

    it('when the master key is malformed, then it is reported once, as malformed', () => {
      expect(problemsOf({ DATABASE_URL, MNC_MASTER_KEY: 'abcd', MNC_LOOKUP_KEY: 'k'.repeat(32) })).toEqual([
        'MNC_MASTER_KEY: must be 32 bytes, as 64 hex digits or base64',
      ]);
    });

    it('when both keys are given, then the database URL and the keys are used', () => {
      const config = loadConfig({
        DATABASE_URL,
        MNC_MASTER_KEY: HEX_KEY,
        MNC_LOOKUP_KEY: 'lookup'.repeat(6),
      });
      expect(config.databaseUrl).toBe(DATABASE_URL);
      expect(config.masterKeyIsEphemeral).toBe(false);
      expect(config.keyedMasterSalt).toBe('lookup'.repeat(6));
    });
  });

  describe('MNC_MASTER_KEY', () => {
    it('given 64 hex digits, then they are the 32 key bytes', () => {
      expect(loadConfig({ MNC_MASTER_KEY: HEX_KEY }).masterKey.toString('hex')).toBe(HEX_KEY);
    });

    it('given upper-case hex, then it is read as hex too', () => {
      expect(loadConfig({ MNC_MASTER_KEY: HEX_KEY.toUpperCase() }).masterKey.toString('hex')).toBe(HEX_KEY);
    });

    it('given base64 of 32 bytes, then those bytes are the key', () => {
      const config = loadConfig({ MNC_MASTER_KEY: BASE64_KEY });
      expect(config.masterKey.equals(Buffer.alloc(32, 7))).toBe(true);
      expect(config.masterKeyIsEphemeral).toBe(false);
    });

    it.each([
      ['62 hex digits', HEX_KEY.slice(2)],
      ['base64 of 31 bytes', Buffer.alloc(31, 1).toString('base64')],
      ['base64 of 33 bytes', Buffer.alloc(33, 1).toString('base64')],
    ])('given %s, then it is rejected', (_, key) => {
      expect(problemsOf({ MNC_MASTER_KEY: key })).toEqual([
        'MNC_MASTER_KEY: must be 32 bytes, as 64 hex digits or base64',
      ]);
    });
  });

  describe('given MNC_BUS=kafka', () => {
    it('when KAFKA_BROKERS lists no broker, then KAFKA_BROKERS is reported as required', () => {
      expect(problemsOf({ MNC_BUS: 'kafka', KAFKA_BROKERS: ' , ' })).toEqual([
        'KAFKA_BROKERS: required when MNC_BUS=kafka',
      ]);
    });

    it('when KAFKA_BROKERS is unset, then the local default broker is used', () => {
      expect(loadConfig({ MNC_BUS: 'kafka' }).kafkaBrokers).toEqual(['127.0.0.1:9092']);
    });
  });

  it('given MNC_BUS=memory and no brokers, then no broker is required', () => {
    expect(loadConfig({ MNC_BUS: 'memory', KAFKA_BROKERS: ',' }).kafkaBrokers).toEqual([]);
  });
});

describe('describeConfig', () => {
  const env = {
    DATABASE_URL,
    MNC_MASTER_KEY: HEX_KEY,
    MNC_LOOKUP_KEY: 'lookup-secret-of-at-least-32-characters',
    REDIS_URL: 'redis://:redis-pass@cache:6379/0',
    LANE_ID: 'lane-7',
  };
  const described = () => Object.fromEntries(describeConfig(env).map((d) => [d.variable, d.value]));

  it('lists every variable with its description', () => {
    const rows = describeConfig({});
    expect(rows.map((r) => r.variable)).toEqual(Object.keys(VARIABLES));
    expect(rows.every((r) => r.description.length > 0)).toBe(true);
  });

  it('hides the values of sensitive variables', () => {
    expect(described()).toMatchObject({
      DATABASE_URL: '(set, hidden)',
      MNC_MASTER_KEY: '(set, hidden)',
      MNC_LOOKUP_KEY: '(set, hidden)',
    });
  });

  it('never contains a secret anywhere in its output, URL credentials included', () => {
    const text = JSON.stringify(describeConfig(env));
    for (const secret of ['s3cret', HEX_KEY, 'lookup-secret', 'redis-pass'])
      expect(text).not.toContain(secret);
    expect(described()['REDIS_URL']).toBe('redis://:(hidden)@cache:6379/0');
  });

  it('shows plain values, defaults, and unset variables', () => {
    expect(described()).toMatchObject({
      LANE_ID: 'lane-7',
      HTTP_PORT: '3000',
      OTEL_EXPORTER_OTLP_ENDPOINT: '(unset)',
    });
  });

  it('shows a sensitive variable set to an empty value as unset', () => {
    expect(
      Object.fromEntries(describeConfig({ DATABASE_URL: '' }).map((d) => [d.variable, d.value]))[
        'DATABASE_URL'
      ],
    ).toBe('(unset)');
  });
});

describe('loadEmbeddedConfig', () => {
  const created: string[] = [];
  const embedded = (env: Record<string, string>) => {
    const config = loadEmbeddedConfig(env);
    if (config.blobDir.startsWith(tmpdir())) created.push(config.blobDir);
    return config;
  };
  afterAll(() => {
    for (const dir of created) rmSync(dir, { recursive: true, force: true });
  });

  it('given DATABASE_URL without keys, then it is ignored instead of failing', () => {
    const config = embedded({ DATABASE_URL });
    expect(config).not.toHaveProperty('databaseUrl');
  });

  it('given kafka and a PC/SC encoder, then the bus is memory and the encoder in-process', () => {
    const config = embedded({ MNC_BUS: 'kafka', ENCODER_STATION: 'pcsc', BLOB_DIR: 'tmp/x' });
    expect(config.bus).toBe('memory');
    expect(config.encoderStation).toBe('in-process');
  });

  describe('given no master key', () => {
    it('then the blob directory is a new, empty directory under the temp dir', () => {
      const config = embedded({});
      expect(config.masterKeyIsEphemeral).toBe(true);
      expect(config.blobDir.startsWith(tmpdir())).toBe(true);
      expect(existsSync(config.blobDir)).toBe(true);
      expect(readdirSync(config.blobDir)).toEqual([]);
    });

    it('then each load gets a directory of its own', () => {
      expect(embedded({}).blobDir).not.toBe(embedded({}).blobDir);
    });

    it('when BLOB_DIR is set to an empty value, then a fresh directory is still used', () => {
      expect(embedded({ BLOB_DIR: '' }).blobDir.startsWith(tmpdir())).toBe(true);
    });
  });

  it('given a master key and no BLOB_DIR, then the durable default directory is used', () => {
    expect(embedded({ MNC_MASTER_KEY: HEX_KEY }).blobDir).toBe('tmp/blobs');
  });

  it('given BLOB_DIR, then it is used as given', () => {
    expect(embedded({ BLOB_DIR: '/var/tmp/mnc-blobs' }).blobDir).toBe('/var/tmp/mnc-blobs');
  });
});
