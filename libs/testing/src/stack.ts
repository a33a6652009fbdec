import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/**
 * The full stack as separate processes on the real services: the stage apps on Kafka and Postgres, with two
 * print-and-encode lanes (two encode-lane processes in one consumer group, each driving its own reader of
 * pcscd, fed by its own virtual card process through vpcd's two slots). Each run gets its own database and
 * blob directory; logs go to tmp/e2e/<run>/<process>.log (the security scan reads them).
 */
/** The repository root, from source (jest) or from dist/ (the benchmark). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'nx.json'))) dir = path.dirname(dir);
  return dir;
}
const root = repositoryRoot();
export const STAGES = [
  'pki',
  'intake',
  'photo-screening',
  'issuance-data',
  'encode-lane-1',
  'encode-lane-2',
  'pre-delivery',
  'delivery',
] as const;
export type StageProcess = (typeof STAGES)[number];
type ProcessName = StageProcess | 'virtual-card-1' | 'virtual-card-2';
/** Any process of the stack: a stage or a lane's virtual card. */
export type StackProcess = ProcessName;

const PORTS: Record<ProcessName, number> = {
  pki: 3108,
  intake: 3101,
  'photo-screening': 3102,
  'issuance-data': 3103,
  'encode-lane-1': 3104,
  'encode-lane-2': 3107,
  'pre-delivery': 3105,
  delivery: 3106,
  // Below the ephemeral range (32768-60999): a client socket of another process may hold a port there.
  'virtual-card-1': 3111,
  'virtual-card-2': 3112,
};

/** Every process of a stack: the stages and the lanes' virtual cards. */
export const STACK_PROCESSES = Object.keys(PORTS) as StackProcess[];
/** The ports a running stack holds, so a caller can tell whether another stack is up. */
export const STACK_PORTS: readonly number[] = Object.values(PORTS);
/** The apps a stack runs, as named by their dist/apps folder. */
export const STACK_APPS: readonly string[] = [
  ...new Set([...STAGES, 'virtual-card'].map((name) => name.replace(/-\d+$/, ''))),
];

/** Lane n: its encode-lane process, virtual card process, vpcd slot and the reader pcscd names after it. */
const LANES = [1, 2].map((n) => ({
  encoder: `encode-lane-${n}` as ProcessName,
  feeder: `virtual-card-${n}` as ProcessName,
  vpcdPort: 35963 + n - 1,
  reader: `Virtual PCD 00 0${n - 1}`,
}));

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(!!socket.end()));
    socket.on('error', () => resolve(false));
  });

/** Another stack's processes (dist/apps of a stack app, not started by this process). */
function otherStackProcesses(): number {
  return fs.readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const app = /dist\/apps\/([^/]+)\//.exec(fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8'))?.[1];
      return ppid !== process.pid && STACK_APPS.includes(app ?? '');
    } catch {
      return false; // exited while we looked
    }
  }).length;
}

/**
 * A stack uses fixed ports and pcscd's two readers, and its readiness probe would accept another stack's
 * process: wait until no other stack runs on this (shared) machine, up to 15 minutes.
 */
export async function waitForFreeStack(): Promise<void> {
  for (let waited = 0; ; waited += 5) {
    const busy = otherStackProcesses() > 0 || (await Promise.all(STACK_PORTS.map(listening))).some(Boolean);
    if (!busy) return;
    if (waited >= 900) throw new Error('another full stack kept its ports busy for 15 min');
    if (waited % 60 === 0) console.error('another full stack is running; waiting for it to stop…');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}

const ADMIN_URL = process.env.MNC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export class Stack {
  readonly root = root;
  readonly runDir: string;
  /** Set by stop(): nothing is started or revived after it. */
  private stopping = false;
  readonly databaseUrl: string;
  /** Intake API key of this run's national test client (every municipality): pass it to the load driver. */
  readonly apiKey = `e2e-${randomBytes(24).toString('base64url')}`;
  private readonly processes = new Map<ProcessName, ChildProcess>();
  private readonly env: Record<string, string>;

  private constructor(readonly name: string) {
    this.runDir = path.join(root, 'tmp', 'e2e', name);
    fs.mkdirSync(this.runDir, { recursive: true });
    const admin = new URL(ADMIN_URL);
    admin.pathname = `/${name}`;
    this.databaseUrl = admin.toString();
    this.env = {
      PATH: process.env.PATH ?? '',
      MNC_BUS: 'kafka',
      KAFKA_BROKERS: process.env.MNC_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092',
      DATABASE_URL: this.databaseUrl,
      DATABASE_POOL_SIZE: '5',
      MNC_MASTER_KEY: randomBytes(32).toString('hex'),
      MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
      MNC_API_CLIENTS: JSON.stringify([
        {
          id: 'e2e-driver',
          municipalities: ['*'],
          keySha256: [createHash('sha256').update(this.apiKey).digest('hex')],
        },
      ]),
      BLOB_DIR: path.join(this.runDir, 'blobs'),
      LOG_LEVEL: 'info',
      ENCODER_STATION: 'pcsc',
      // The CA's own process: issuance-data signs chip data there, the lanes certify card keys and revoke
      // spoiled attempts, pre-delivery holds and revokes.
      PKI_URL: `http://127.0.0.1:${PORTS.pki}/`,
      // Both lanes take jobs from one BullMQ queue in Redis; a pool of the run's own, so a leftover queue of
      // an earlier (killed) run never feeds this one.
      LANE_POOL: name.replace(/_/g, '-'),
    };
  }

  static async start(name: string): Promise<Stack> {
    await waitForFreeStack();
    const stack = new Stack(name);
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    try {
      for (const lane of LANES) await stack.startProcess(lane.feeder);
      // Stages migrate their own schemas; start them one after another so startup logs stay readable.
      for (const stage of STAGES) await stack.startProcess(stage);
    } catch (error) {
      // A process that failed to start must not leave the others running (ports, readers, orphans).
      await stack.stop().catch(() => undefined);
      throw error;
    }
    return stack;
  }

  get intakeUrl(): string {
    return `http://127.0.0.1:${PORTS.intake}`;
  }

  async startProcess(name: ProcessName): Promise<void> {
    const log = fs.openSync(path.join(this.runDir, `${name}.log`), 'a');
    const feederOf = LANES.find((lane) => lane.feeder === name);
    const laneOf = LANES.find((lane) => lane.encoder === name);
    const args = feederOf
      ? [
          path.join(root, 'dist/apps/virtual-card/src/main.js'),
          ...['--port', String(PORTS[name]), '--vpcd-port', String(feederOf.vpcdPort)],
          ...['--state-dir', path.join(this.runDir, 'cards', name)],
          // Simulated device time zero: legacy cards' RSA pairs are made ahead, off the APDU path.
          ...['--rsa-key-reserve', '4'],
        ]
      : [path.join(root, `dist/apps/${laneOf ? 'encode-lane' : name}/src/main.js`)];
    const laneEnv = laneOf
      ? {
          LANE_ID: laneOf.encoder.replace('encode-', ''),
          PCSC_READER: laneOf.reader,
          VIRTUAL_CARD_CONTROL_URL: `http://127.0.0.1:${PORTS[laneOf.feeder]}`,
        }
      : {};
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...this.env, ...laneEnv, HTTP_PORT: String(PORTS[name]) },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    this.processes.set(name, child);
    await this.waitReady(name, child);
  }

  private async waitReady(name: ProcessName, child: ChildProcess): Promise<void> {
    const isFeeder = LANES.some((lane) => lane.feeder === name);
    const url = isFeeder
      ? `http://127.0.0.1:${PORTS[name]}/cards/none`
      : `http://127.0.0.1:${PORTS[name]}/health/ready`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(
          `${name} exited with ${child.exitCode} during startup; see ${this.runDir}/${name}.log`,
        );
      try {
        const response = await fetch(url);
        if (isFeeder ? response.status < 500 : response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${name} was not ready within 60 s; see ${this.runDir}/${name}.log`);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
  async kill(name: ProcessName): Promise<void> {
    const child = this.processes.get(name);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // Deliberately down: not a crash for reviveCrashed to restart.
    this.processes.delete(name);
  }

  /**
   * Starts again every process that exited on its own, as a supervisor (systemd, Kubernetes) would, and
   * names them: the chaos suite reports a service that dies of an outage instead of riding it out.
   */
  async reviveCrashed(): Promise<StackProcess[]> {
    if (this.stopping) return [];
    const crashed = [...this.processes].filter(
      ([, child]) => child.exitCode !== null || child.signalCode !== null,
    );
    for (const [name] of crashed) await this.startProcess(name);
    return crashed.map(([name]) => name);
  }

  async restart(name: ProcessName): Promise<void> {
    await this.kill(name);
    await this.startProcess(name);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Graceful stop (SIGTERM) of every process, stages first, then the database is dropped. */
  async stop(): Promise<void> {
    this.stopping = true;
    const order: ProcessName[] = [...STAGES, ...LANES.map((lane) => lane.feeder)];
    await Promise.all(
      order.map(async (name) => {
        const child = this.processes.get(name);
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    await admin.end();
  }
}

/** Per application, how many rows each exactly-once effect left: every count must be 1. */
export async function effectCounts(stack: Stack, applicationIds: readonly string[]) {
  const count = async (sql: string) => {
    const rows = await stack.query<{ application_id: string; n: number }>(sql, [applicationIds]);
    return new Map(rows.map((r) => [r.application_id, Number(r.n)]));
  };
  return {
    cards: await count(
      'SELECT application_id, count(*) AS n FROM issuance_data.cards WHERE application_id = ANY($1) GROUP BY 1',
    ),
    encodedCards: await count(
      `SELECT application_id, count(*) AS n FROM encode_lane.card_attempts WHERE status = 'encoded' AND application_id = ANY($1) GROUP BY 1`,
    ),
    setups: await count(
      'SELECT application_id, count(*) AS n FROM pre_delivery.card_setups WHERE application_id = ANY($1) GROUP BY 1',
    ),
    shipments: await count(
      'SELECT application_id, count(*) AS n FROM delivery.shipments WHERE application_id = ANY($1) GROUP BY 1',
    ),
  };
}
