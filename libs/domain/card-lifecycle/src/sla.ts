import { addBusinessDays, businessDaysBetween, type IsoDate } from './business-days';

/**
 * The service level of an application, counted in business days from the Japanese calendar date of its
 * submission to the delivery of its card (to the resident on the express route, to the municipality on the
 * normal route; the counter handover is the resident's to schedule and is not on the clock).
 *
 * Targets: express 5 business days (the express route's shortest today, per the task force paper), normal 20
 * business days (today's "about one month"). At risk from the last business day before the due date.
 */
export type SlaRoute = 'normal' | 'express';

export const SLA_TARGET_BUSINESS_DAYS: { readonly [R in SlaRoute]: number } = { express: 5, normal: 20 };
const AT_RISK_MARGIN = 1;

export type SlaStatus = 'on-track' | 'at-risk' | 'breached' | 'met' | 'missed';

export interface SlaClock {
  readonly route: SlaRoute;
  readonly startedOn: IsoDate;
  readonly dueOn: IsoDate;
  readonly targetBusinessDays: number;
  /** Business days used so far, or until the clock stopped. */
  readonly elapsedBusinessDays: number;
  readonly remainingBusinessDays: number;
  readonly stoppedOn: IsoDate | null;
  readonly status: SlaStatus;
}

export function slaClock(input: {
  route: SlaRoute;
  startedOn: IsoDate;
  today: IsoDate;
  stoppedOn?: IsoDate | null;
}): SlaClock {
  const target = SLA_TARGET_BUSINESS_DAYS[input.route];
  const dueOn = addBusinessDays(input.startedOn, target);
  const stoppedOn = input.stoppedOn ?? null;
  const end = stoppedOn ?? input.today;
  // An application submitted on a holiday starts counting on the next business day.
  const elapsed = businessDaysBetween(addBusinessDays(input.startedOn, 0), end);
  let status: SlaStatus;
  if (stoppedOn) status = stoppedOn <= dueOn ? 'met' : 'missed';
  else if (end > dueOn) status = 'breached';
  else status = target - elapsed <= AT_RISK_MARGIN ? 'at-risk' : 'on-track';
  return {
    route: input.route,
    startedOn: input.startedOn,
    dueOn,
    targetBusinessDays: target,
    elapsedBusinessDays: elapsed,
    remainingBusinessDays: Math.max(0, target - elapsed),
    stoppedOn,
    status,
  };
}
