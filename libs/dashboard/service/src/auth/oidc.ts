import { createHash, randomBytes } from 'node:crypto';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import type { DashboardConfig } from '@mnc/config';
import { highestRole } from './roles';
import type { Operator } from './session';

type OidcSettings = NonNullable<DashboardConfig['oidc']>;
type Jose = typeof import('jose');

let jose: Jose | undefined;
/**
 * jose is an ES module: Node 20.19+ loads it with require, Jest's CommonJS runtime cannot. Loading it on
 * first use keeps every module that merely imports this file (the whole dashboard) testable under Jest.
 */
function loadJose(): Jose {
  return (jose ??= require('jose') as Jose);
}

/** The operator a verified token stands for: the highest dashboard role named in the roles claim. */
export function operatorFromClaims(payload: JWTPayload, rolesClaim: string): Operator {
  const claim = payload[rolesClaim];
  const role = highestRole(Array.isArray(claim) ? claim : [claim]);
  if (!role) throw new OidcError('NO_ROLE', `the token's ${rolesClaim} claim names no dashboard role`);
  const name =
    typeof payload['preferred_username'] === 'string' ? payload['preferred_username'] : String(payload.sub);
  return { name, role, via: 'oidc' };
}

export class OidcError extends Error {
  override readonly name = 'OidcError';
  constructor(
    readonly code:
      | 'NOT_CONFIGURED'
      | 'DISCOVERY_FAILED'
      | 'INVALID_TOKEN'
      | 'NO_ROLE'
      | 'STATE_MISMATCH'
      | 'EXCHANGE_FAILED',
    message: string,
  ) {
    super(message);
  }
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/**
 * An external identity provider, configured only (issuer, client id, JWKS): tokens are verified with jose
 * against the provider's keys, issuer and audience, and the dashboard role is read from a claim.
 */
export class OidcProvider {
  private discovery?: Promise<Discovery>;
  private keys?: JWTVerifyGetKey;

  constructor(
    private readonly settings: OidcSettings,
    keys?: JWTVerifyGetKey,
  ) {
    if (keys) this.keys = keys;
  }

  private discover(): Promise<Discovery> {
    this.discovery ??= fetch(
      new URL('.well-known/openid-configuration', this.settings.issuer.replace(/\/?$/, '/')),
      {
        signal: AbortSignal.timeout(5000),
      },
    ).then(async (response) => {
      if (!response.ok) throw new OidcError('DISCOVERY_FAILED', `discovery answered ${response.status}`);
      return (await response.json()) as Discovery;
    });
    this.discovery.catch(() => (this.discovery = undefined));
    return this.discovery;
  }

  private async keySet(): Promise<JWTVerifyGetKey> {
    if (!this.keys) {
      const jwksUrl = this.settings.jwksUrl ?? (await this.discover()).jwks_uri;
      this.keys = loadJose().createRemoteJWKSet(new URL(jwksUrl));
    }
    return this.keys;
  }

  /** Verifies an ID or access token and maps it to an operator; a token without a dashboard role is refused. */
  async operatorFromToken(token: string, expectedNonce?: string): Promise<Operator> {
    let payload: JWTPayload;
    try {
      ({ payload } = await loadJose().jwtVerify(token, await this.keySet(), {
        issuer: this.settings.issuer,
        audience: this.settings.clientId,
      }));
    } catch (error) {
      throw new OidcError('INVALID_TOKEN', error instanceof Error ? error.message : 'token rejected');
    }
    if (expectedNonce !== undefined && payload['nonce'] !== expectedNonce) {
      throw new OidcError('INVALID_TOKEN', 'nonce mismatch');
    }
    const claim = payload[this.settings.rolesClaim];
    const role = highestRole(Array.isArray(claim) ? claim : [claim]);
    if (!role)
      throw new OidcError('NO_ROLE', `the token's ${this.settings.rolesClaim} claim names no dashboard role`);
    const name =
      typeof payload['preferred_username'] === 'string' ? payload['preferred_username'] : String(payload.sub);
    return { name, role, via: 'oidc' };
  }

  /** The authorization request (code flow with PKCE); the returned state travels in a short-lived cookie. */
  async authorizationUrl(): Promise<{
    url: string;
    state: { state: string; nonce: string; verifier: string };
  }> {
    if (!this.settings.redirectUrl) throw new OidcError('NOT_CONFIGURED', 'OIDC_REDIRECT_URL is not set');
    const discovery = await this.discover();
    const state = {
      state: randomBytes(16).toString('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      verifier: randomBytes(32).toString('base64url'),
    };
    const url = new URL(discovery.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUrl,
      scope: 'openid profile',
      state: state.state,
      nonce: state.nonce,
      code_challenge: createHash('sha256').update(state.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return { url: url.toString(), state };
  }

  async exchange(
    code: string,
    returnedState: string,
    expected: { state: string; nonce: string; verifier: string },
  ): Promise<Operator> {
    if (returnedState !== expected.state) throw new OidcError('STATE_MISMATCH', 'state mismatch');
    const discovery = await this.discover();
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.settings.redirectUrl ?? '',
      client_id: this.settings.clientId,
      code_verifier: expected.verifier,
      ...(this.settings.clientSecret ? { client_secret: this.settings.clientSecret } : {}),
    });
    const response = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new OidcError('EXCHANGE_FAILED', `token endpoint answered ${response.status}`);
    const tokens = (await response.json()) as { id_token?: string };
    if (!tokens.id_token) throw new OidcError('EXCHANGE_FAILED', 'no id_token in the token response');
    return this.operatorFromToken(tokens.id_token, expected.nonce);
  }
}
