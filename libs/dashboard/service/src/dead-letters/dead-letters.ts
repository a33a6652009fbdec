import type { EntityManager } from 'typeorm';
import { DLT_HEADERS, type InboundRecord, type MessageBus } from '@mnc/messaging';
import { DASHBOARD_SCHEMA as S } from '../read-model/migrations';

/** What the dashboard keeps of a parked record: where it came from, why it failed, and the record itself. */
export interface DeadLetter {
  readonly id: string;
  readonly dltTopic: string;
  readonly consumerGroup: string;
  readonly sourceTopic: string;
  readonly eventId?: string;
  readonly eventType?: string;
  readonly key: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly errorDetails?: string;
  readonly attempts?: number;
  readonly failedAt: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Buffer;
  readonly status: 'parked' | 'replayed' | 'discarded';
  readonly resolvedBy?: string;
  readonly resolvedAt?: string;
}

export class DeadLetterStateError extends Error {
  override readonly name = 'DeadLetterStateError';
  constructor(readonly status: string) {
    super(`the dead letter is already ${status}`);
  }
}

/** Stores a record from a dead-letter topic once, keyed by its position on that topic. */
export async function collectDeadLetter(manager: EntityManager, record: InboundRecord): Promise<boolean> {
  const h = record.headers;
  const rows = (await manager.query(
    `INSERT INTO ${S}.dead_letters (dlt_topic, dlt_partition, dlt_offset, consumer_group, source_topic, event_id,
       event_type, application_key, error_code, error_message, error_details, attempts, failed_at, headers, value)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (dlt_topic, dlt_partition, dlt_offset) DO NOTHING RETURNING id`,
    [
      record.topic,
      record.partition,
      record.offset,
      h[DLT_HEADERS.group] ?? groupOf(record.topic),
      h[DLT_HEADERS.sourceTopic] ?? '',
      h['ce_id'] ?? null,
      h['ce_type'] ?? null,
      record.key,
      h[DLT_HEADERS.errorCode] ?? 'UNKNOWN',
      h[DLT_HEADERS.errorMessage] ?? '',
      h[DLT_HEADERS.errorDetails] ?? null,
      h[DLT_HEADERS.attempts] ? Number(h[DLT_HEADERS.attempts]) : null,
      h[DLT_HEADERS.failedAt] ?? new Date().toISOString(),
      JSON.stringify(h),
      record.value,
    ],
  )) as unknown[];
  return rows.length > 0;
}

function groupOf(dltTopic: string): string {
  return /^mnc\.dlt\.(.+)\.v1$/.exec(dltTopic)?.[1] ?? dltTopic;
}

interface Row {
  id: string;
  dlt_topic: string;
  consumer_group: string;
  source_topic: string;
  event_id: string | null;
  event_type: string | null;
  application_key: string;
  error_code: string;
  error_message: string;
  error_details: string | null;
  attempts: number | null;
  failed_at: Date;
  headers: Record<string, string>;
  value: Buffer;
  status: DeadLetter['status'];
  resolved_by: string | null;
  resolved_at: Date | null;
}

function toDeadLetter(r: Row): DeadLetter {
  return {
    id: String(r.id),
    dltTopic: r.dlt_topic,
    consumerGroup: r.consumer_group,
    sourceTopic: r.source_topic,
    key: r.application_key,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    failedAt: new Date(r.failed_at).toISOString(),
    headers: r.headers,
    value: r.value,
    status: r.status,
    ...(r.event_id ? { eventId: r.event_id } : {}),
    ...(r.event_type ? { eventType: r.event_type } : {}),
    ...(r.error_details ? { errorDetails: r.error_details } : {}),
    ...(r.attempts !== null ? { attempts: r.attempts } : {}),
    ...(r.resolved_by ? { resolvedBy: r.resolved_by } : {}),
    ...(r.resolved_at ? { resolvedAt: new Date(r.resolved_at).toISOString() } : {}),
  };
}

export async function listDeadLetters(
  manager: EntityManager,
  options: { status?: DeadLetter['status'] | 'all'; topic?: string; limit?: number } = {},
): Promise<DeadLetter[]> {
  const rows = (await manager.query(
    `SELECT * FROM ${S}.dead_letters WHERE ($1::text = 'all' OR status = $1) AND ($2::text IS NULL OR dlt_topic = $2)
     ORDER BY id DESC LIMIT $3`,
    [options.status ?? 'parked', options.topic ?? null, options.limit ?? 200],
  )) as Row[];
  return rows.map(toDeadLetter);
}

export async function deadLetterCounts(
  manager: EntityManager,
): Promise<{ topic: string; parked: number; total: number }[]> {
  return (await manager.query(
    `SELECT dlt_topic AS topic, count(*) FILTER (WHERE status = 'parked')::int AS parked, count(*)::int AS total
     FROM ${S}.dead_letters GROUP BY dlt_topic ORDER BY dlt_topic`,
  )) as { topic: string; parked: number; total: number }[];
}

/** The record as it first sat on its source topic: the dead-letter headers removed, everything else kept. */
export function originalRecord(letter: DeadLetter) {
  const dltHeaders = new Set<string>(Object.values(DLT_HEADERS));
  const headers = Object.fromEntries(
    Object.entries(letter.headers).filter(([name]) => !dltHeaders.has(name)),
  );
  return { topic: letter.sourceTopic, key: letter.key, value: letter.value, headers };
}

/**
 * Replay: the original record goes back to its source topic with the same ce_id, so a consumer that already
 * took effect (its inbox holds the id) skips it and one that did not processes it once. The row is locked
 * and marked in the same transaction as the publish; a failed publish rolls the mark back.
 */
export async function resolveDeadLetter(
  manager: EntityManager,
  bus: MessageBus,
  id: string,
  resolution: 'replayed' | 'discarded',
  actor: string,
): Promise<DeadLetter> {
  const [row] = (await manager.query(`SELECT * FROM ${S}.dead_letters WHERE id = $1 FOR UPDATE`, [
    id,
  ])) as Row[];
  if (!row) throw new DeadLetterNotFoundError(id);
  const letter = toDeadLetter(row);
  if (letter.status !== 'parked') throw new DeadLetterStateError(letter.status);
  if (resolution === 'replayed') {
    if (!letter.sourceTopic) throw new DeadLetterStateError('without a source topic');
    await bus.publish([originalRecord(letter)]);
  }
  await manager.query(
    `UPDATE ${S}.dead_letters SET status = $2, resolved_by = $3, resolved_at = now() WHERE id = $1`,
    [id, resolution, actor],
  );
  return { ...letter, status: resolution, resolvedBy: actor };
}

export class DeadLetterNotFoundError extends Error {
  override readonly name = 'DeadLetterNotFoundError';
  constructor(readonly id: string) {
    super(`no dead letter ${id}`);
  }
}
