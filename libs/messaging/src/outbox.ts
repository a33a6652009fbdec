import type { DataSource, EntityManager } from 'typeorm';
import { encodeEvent, type EventEnvelope } from '@mnc/contracts';
import { backoffMs } from './failures';
import type { MessageBus, OutgoingRecord } from './port';

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
function quoted(schema: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `"${schema}"`;
}

/** DDL for a service's outbox and inbox, run by that service's first migration. */
export function outboxAndInboxDdl(schema: string): string[] {
  const s = quoted(schema);
  return [
    `CREATE TABLE ${s}.outbox (
       seq bigserial PRIMARY KEY,
       event_id uuid NOT NULL UNIQUE,
       topic text NOT NULL,
       key text NOT NULL,
       headers jsonb NOT NULL,
       payload bytea NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE TABLE ${s}.inbox (
       consumer text NOT NULL,
       event_id uuid NOT NULL,
       processed_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (consumer, event_id))`,
  ];
}

/** Writes events in the caller's transaction, so they exist if and only if the state change commits. */
export class Outbox {
  private readonly table: string;
  constructor(readonly schema: string) {
    this.table = `${quoted(schema)}.outbox`;
  }

  async add(manager: EntityManager, events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const rows = events.map((event, i) => {
      const record = encodeEvent(event);
      values.push(event.id, record.topic, record.key, JSON.stringify(record.headers), record.value);
      const p = i * 5;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}::jsonb, $${p + 5})`;
    });
    await manager.query(
      `INSERT INTO ${this.table} (event_id, topic, key, headers, payload) VALUES ${rows.join(', ')}`,
      values,
    );
  }
}

/** Records the event id in the effect's transaction; false means this consumer has seen the event before. */
export async function claimInbox(
  manager: EntityManager,
  schema: string,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO ${quoted(schema)}.inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
    [consumer, eventId],
  );
  return rows.length === 1;
}

export async function inboxHas(
  manager: EntityManager,
  schema: string,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `SELECT 1 FROM ${quoted(schema)}.inbox WHERE consumer = $1 AND event_id = $2`,
    [consumer, eventId],
  );
  return rows.length === 1;
}

export interface OutboxRelayOptions {
  readonly dataSource: DataSource;
  readonly schema: string;
  readonly bus: MessageBus;
  readonly batchSize?: number;
  /** Fallback poll; commits in this process wake the relay at once through kick(). */
  readonly pollIntervalMs?: number;
  readonly onBacklog?: (rows: number) => void;
  readonly onPublished?: (rows: number, seconds: number) => void;
  readonly onError?: (error: unknown) => void;
}

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  payload: Buffer;
}

/**
 * Publishes committed outbox rows in order and deletes them in the same transaction as the read. Rows are
 * locked with SKIP LOCKED so several instances of a service can relay side by side. A crash between the
 * publish and the commit republishes those rows: consumers' inboxes absorb the duplicate.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private pending = false;
  private readonly table: string;

  constructor(private readonly options: OutboxRelayOptions) {
    this.table = `${quoted(options.schema)}.outbox`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Drains what is left, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  kick(): void {
    this.pending = true;
    this.wake?.();
  }

  /** Publishes up to one batch; returns how many rows went out. */
  async relayOnce(): Promise<number> {
    const limit = this.options.batchSize ?? 200;
    return this.options.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT seq, topic, key, headers, payload FROM ${this.table} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const started = process.hrtime.bigint();
      const records: OutgoingRecord[] = rows.map((r) => ({
        topic: r.topic,
        key: r.key,
        value: r.payload,
        headers: r.headers,
      }));
      await this.options.bus.publish(records);
      await manager.query(`DELETE FROM ${this.table} WHERE seq = ANY($1::bigint[])`, [
        rows.map((r) => r.seq),
      ]);
      this.options.onPublished?.(rows.length, Number(process.hrtime.bigint() - started) / 1e9);
      return rows.length;
    });
  }

  async backlog(): Promise<number> {
    const [row] = (await this.options.dataSource.query(`SELECT count(*)::int AS n FROM ${this.table}`)) as {
      n: number;
    }[];
    return row.n;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let sinceBacklogReport = 0;
    while (this.running) {
      this.pending = false;
      let published = 0;
      try {
        published = await this.relayOnce();
        failures = 0;
      } catch (error) {
        failures++;
        this.options.onError?.(error);
        await this.idle(backoffMs(failures, 200, 5000));
        continue;
      }
      if (this.options.onBacklog && Date.now() - sinceBacklogReport > 1000) {
        sinceBacklogReport = Date.now();
        this.options.onBacklog(await this.backlog().catch(() => -1));
      }
      if (published === 0 && !this.pending) await this.idle(this.options.pollIntervalMs ?? 500);
    }
    // Final drain so a graceful shutdown leaves nothing behind that it could have sent.
    for (let i = 0; i < 50; i++) {
      const published = await this.relayOnce().catch(() => 0);
      if (published === 0) break;
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
