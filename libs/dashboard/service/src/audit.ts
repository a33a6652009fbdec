import type { EntityManager } from 'typeorm';
import { DASHBOARD_SCHEMA as S } from './read-model/migrations';
import type { Operator } from './auth/session';

export interface AuditEntry {
  readonly actor: string;
  readonly role?: string;
  readonly action: string;
  readonly target?: string;
  readonly applicationId?: string;
  readonly reason?: string;
  readonly outcome: 'ok' | 'refused' | 'failed';
  readonly detail?: Record<string, unknown>;
}

/** Appends to the audit log; the table's trigger refuses any change to what is written. */
export async function audit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  await manager.query(
    `INSERT INTO ${S}.audit_log (actor, role, action, target, application_id, reason, outcome, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      entry.actor,
      entry.role ?? null,
      entry.action,
      entry.target ?? null,
      entry.applicationId ?? null,
      entry.reason ?? null,
      entry.outcome,
      entry.detail ? JSON.stringify(entry.detail) : null,
    ],
  );
}

export function by(operator: Operator): Pick<AuditEntry, 'actor' | 'role'> {
  return { actor: `${operator.via}:${operator.name}`, role: operator.role };
}

export async function recentAudit(manager: EntityManager, limit = 200) {
  return (await manager.query(
    `SELECT seq, at, actor, role, action, target, application_id, reason, outcome FROM ${S}.audit_log
     ORDER BY seq DESC LIMIT $1`,
    [limit],
  )) as {
    seq: string;
    at: Date;
    actor: string;
    role: string | null;
    action: string;
    target: string | null;
    application_id: string | null;
    reason: string | null;
    outcome: string;
  }[];
}
