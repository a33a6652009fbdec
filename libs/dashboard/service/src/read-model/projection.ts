import type { EventEnvelope, EventType } from '@mnc/contracts';

/**
 * The dashboard's view of an application, folded from the pipeline's events. Pure: the consumer loads the
 * row, calls `evolve` and stores the result, so the rules are tested without a broker or a database.
 * Events of one application arrive in order per topic but not across topics, so a stage only moves forward.
 */
export const PIPELINE_STAGES = [
  'photo-screening',
  'issuance-data',
  'encode-lane',
  'pre-delivery',
  'delivery',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
export type Position = PipelineStage | 'delivered' | 'handed-over' | 'photo-rejected' | 'cancelled';

/** Where the application waits after each event; events absent here add to the timeline only. */
const POSITION_AFTER: Partial<Record<EventType, Position>> = {
  'application.submitted': 'photo-screening',
  'photo.accepted': 'issuance-data',
  'photo.rejected': 'photo-rejected',
  'issuance-data.generated': 'encode-lane',
  'card.encoded': 'pre-delivery',
  'card.ready-for-dispatch': 'delivery',
  'card.delivered': 'delivered',
  'card.handed-over': 'handed-over',
  'application.cancelled': 'cancelled',
};

const RANK: Record<Position, number> = {
  'photo-screening': 1,
  'issuance-data': 2,
  'encode-lane': 3,
  'pre-delivery': 4,
  delivery: 5,
  delivered: 6,
  'handed-over': 7,
  // Ends that can come from any earlier stage.
  'photo-rejected': 8,
  cancelled: 8,
};

export const FINISHED_POSITIONS: readonly Position[] = [
  'delivered',
  'handed-over',
  'photo-rejected',
  'cancelled',
];

/** The stage whose work an event completes: throughput per stage is counted from these. */
export const STAGE_COMPLETED_BY: Partial<Record<EventType, string>> = {
  'application.submitted': 'intake',
  'photo.accepted': 'photo-screening',
  'photo.rejected': 'photo-screening',
  'issuance-data.generated': 'issuance-data',
  'card.encoded': 'encode-lane',
  'card.ready-for-dispatch': 'pre-delivery',
  'card.delivered': 'delivery',
};

export interface ApplicationView {
  readonly id: string;
  readonly position: Position;
  readonly route?: 'normal' | 'express';
  readonly channel?: string;
  readonly cardProfile?: string;
  readonly municipalityCode?: string;
  readonly cardId?: string;
  readonly cardNumber?: string;
  readonly lane?: string;
  readonly lifecycle?: string;
  readonly submittedAt?: string;
  /** When it reached its current position: the age of the oldest item in a stage is measured from it. */
  readonly positionSince: string;
  readonly finishedAt?: string;
  readonly slaDueAt?: string;
  readonly updatedAt: string;
}

export interface SlaPolicy {
  readonly normalHours: number;
  readonly expressHours: number;
}

function slaDue(
  submittedAt: string | undefined,
  route: string | undefined,
  sla: SlaPolicy,
): string | undefined {
  if (!submittedAt || !route) return undefined;
  const hours = route === 'express' ? sla.expressHours : sla.normalHours;
  return new Date(Date.parse(submittedAt) + hours * 3_600_000).toISOString();
}

/** Non-personal attributes an event carries about the application. */
function attributes(event: EventEnvelope): Partial<ApplicationView> {
  const d = event.data as Record<string, unknown>;
  const pick = <K extends keyof ApplicationView>(key: K, value: unknown) =>
    typeof value === 'string' ? { [key]: value } : {};
  return {
    ...pick('route', d['route']),
    ...pick('channel', d['channel']),
    ...pick('cardProfile', d['cardProfile']),
    ...pick('municipalityCode', d['municipalityCode']),
    ...pick('cardId', d['cardId']),
    ...pick('cardNumber', d['cardNumber']),
    ...pick('lane', d['lane']),
    ...(event.type === 'application.submitted' ? pick('submittedAt', d['submittedAt']) : {}),
    ...(event.type === 'card.lifecycle-changed' ? pick('lifecycle', d['to']) : {}),
  };
}

export function evolve(
  current: ApplicationView | undefined,
  event: EventEnvelope,
  sla: SlaPolicy,
): ApplicationView {
  const at = event.time;
  const next = POSITION_AFTER[event.type];
  const base: ApplicationView = current ?? {
    id: event.subject,
    // Known to exist, but its submission has not arrived yet (topics are not ordered among themselves).
    position: 'photo-screening',
    positionSince: at,
    updatedAt: at,
  };
  const merged: ApplicationView = { ...base, ...attributes(event), updatedAt: maxTime(base.updatedAt, at) };
  const moves = next !== undefined && (current === undefined || RANK[next] > RANK[base.position]);
  const moved: ApplicationView = moves
    ? {
        ...merged,
        position: next,
        positionSince: at,
        ...(FINISHED_POSITIONS.includes(next) ? { finishedAt: at } : {}),
      }
    : merged;
  const slaDueAt = slaDue(moved.submittedAt, moved.route, sla);
  return slaDueAt ? { ...moved, slaDueAt } : moved;
}

function maxTime(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** A short, non-personal line for the timeline: what happened, with the ids and states the event carries. */
export function summarise(event: EventEnvelope): string {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'application.submitted':
      return `${String(d['channel'])}, ${String(d['route'])}, ${String(d['cardProfile'])}, municipality ${String(d['municipalityCode'])}`;
    case 'photo.accepted':
      return `${String(d['decision'])}, ${String(d['width'])}×${String(d['height'])}`;
    case 'photo.rejected':
      return `${String(d['decision'])}: ${(d['reasons'] as { code: string }[]).map((r) => r.code).join(', ')}`;
    case 'issuance-data.generated':
      return `card ${String(d['cardNumber'])}, expires ${String(d['expiresOn'])}`;
    case 'card.encoded':
      return `${String(d['lane'])}, attempt ${String(d['attempt'])}, chip ${String(d['chipSerial'])}`;
    case 'card.ready-for-dispatch':
      return `deliver to ${String(d['deliverTo'])}`;
    case 'card.dispatched':
      return `${String(d['carrier'])} ${String(d['trackingNumber'])}`;
    case 'shipment.tracking-updated':
      return `${String(d['status'])} (${String(d['trackingNumber'])})`;
    case 'card.lifecycle-changed': {
      const certs = d['certificates'] as { action: string; reason?: string; subReason?: string };
      return `${String(d['from'])} → ${String(d['to'])} (${String(d['command'])}); certificates ${certs.action}${certs.reason ? ` ${certs.reason}` : ''}${certs.subReason ? `/${certs.subReason}` : ''}`;
    }
    case 'application.cancelled':
      return `cancelled: ${String(d['reason'])}`;
    case 'card.loss-reported':
      return `reissue ${String(d['reissueApplicationId'])}`;
    default:
      return '';
  }
}

/** A certificate action worth listing on the revocations page, from a lifecycle change. */
export function certificateAction(
  event: EventEnvelope,
):
  { action: 'hold' | 'release' | 'revoke'; reason?: string; subReason?: string; cardId: string } | undefined {
  if (event.type !== 'card.lifecycle-changed') return undefined;
  const d = event.data as EventEnvelope<'card.lifecycle-changed'>['data'];
  if (d.certificates.action === 'none') return undefined;
  return {
    action: d.certificates.action,
    cardId: d.cardId,
    ...(d.certificates.reason ? { reason: d.certificates.reason } : {}),
    ...(d.certificates.subReason ? { subReason: d.certificates.subReason } : {}),
  };
}
