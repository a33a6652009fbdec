import type { DashboardRole } from '@mnc/config';

/**
 * Roles are ranked: each one may do what the ones below it may. Every action names the lowest role allowed;
 * the server checks it on each request (the pages only hide buttons as a courtesy).
 */
export const ROLES: readonly DashboardRole[] = ['viewer', 'reviewer', 'supervisor', 'administrator'];

export const ACTIONS = {
  view: 'viewer',
  'personal-data.reveal': 'reviewer',
  'photo.review': 'reviewer',
  'lane.command': 'supervisor',
  'lane.card-faces': 'supervisor',
  'dead-letter.replay': 'supervisor',
  'dead-letter.discard': 'supervisor',
  'audit.read': 'administrator',
  'operators.read': 'administrator',
} as const satisfies Record<string, DashboardRole>;
export type Action = keyof typeof ACTIONS;

export function isRole(value: unknown): value is DashboardRole {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: DashboardRole, action: Action): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(ACTIONS[action]);
}

/** The highest dashboard role among an identity provider's role names; none: no access. */
export function highestRole(names: readonly unknown[]): DashboardRole | undefined {
  const known = names.filter(isRole);
  if (known.length === 0) return undefined;
  return known.reduce((high, r) => (ROLES.indexOf(r) > ROLES.indexOf(high) ? r : high));
}
