import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DashboardRole } from '@mnc/config';
import { isRole } from './roles';

/** Who is signed in: a local account or an identity provider's subject, with the role granted at login. */
export interface Operator {
  readonly name: string;
  readonly role: DashboardRole;
  readonly via: 'local' | 'oidc';
}

interface SessionClaims extends Operator {
  readonly exp: number;
}

/** A stateless session: the operator and an expiry, signed with HMAC-SHA256. */
export class SessionSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly lifetimeMs: number,
  ) {}

  sign(operator: Operator, now = Date.now()): string {
    return this.seal({ ...operator, exp: now + this.lifetimeMs });
  }

  verify(token: string | undefined, now = Date.now()): Operator | undefined {
    const claims = this.open<Partial<SessionClaims>>(token, now);
    if (!claims || typeof claims.name !== 'string' || !isRole(claims.role)) return undefined;
    return { name: claims.name, role: claims.role, via: claims.via === 'oidc' ? 'oidc' : 'local' };
  }

  /** Short-lived signed state (the OIDC login's state, nonce and PKCE verifier between redirect and callback). */
  sealState(state: Record<string, string>, lifetimeMs: number, now = Date.now()): string {
    return this.seal({ state, exp: now + lifetimeMs });
  }

  openState(token: string | undefined, now = Date.now()): Record<string, string> | undefined {
    return this.open<{ state?: Record<string, string> }>(token, now)?.state;
  }

  private seal(claims: { readonly exp: number } & Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  private open<T>(token: string | undefined, now: number): (T & { exp: number }) | undefined {
    if (!token) return undefined;
    const [body, mac] = token.split('.');
    if (!body || !mac) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: T & { exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T & { exp?: unknown };
    } catch {
      return undefined;
    }
    if (typeof claims.exp !== 'number' || claims.exp <= now) return undefined;
    return claims as T & { exp: number };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

export const SESSION_COOKIE = 'mnc_dashboard_session';

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
