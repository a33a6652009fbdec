import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/**
 * A minimal identity provider for the test: its JWKS and ES256 tokens signed with node:crypto, so the
 * dashboard's jose verification is exercised against keys it fetches over HTTP, as from a real provider.
 */
export interface TestIssuer {
  readonly issuer: string;
  readonly jwksUrl: string;
  token(claims: Record<string, unknown>, audience: string): string;
  stop(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = {
    ...(publicKey as KeyObject).export({ format: 'jwk' }),
    kid: 'test-1',
    alg: 'ES256',
    use: 'sig',
  };
  const server: Server = createServer((request, response) => {
    if (request.url === '/jwks') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    token: (claims, audience) => {
      const now = Math.floor(Date.now() / 1000);
      const body = `${b64({ alg: 'ES256', kid: 'test-1', typ: 'JWT' })}.${b64({ iss: issuer, aud: audience, iat: now, exp: now + 300, ...claims })}`;
      const signature = sign('sha256', Buffer.from(body), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${body}.${signature.toString('base64url')}`;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
