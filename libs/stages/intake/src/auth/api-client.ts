import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiClientConfig } from '@mnc/config';

/** The caller of a request, as the guard established it. */
export interface ApiClient {
  readonly id: string;
  /** Municipality codes it may act for; `*` for a national system. */
  readonly municipalities: readonly string[];
}

/** API keys are long random strings; the server keeps only their SHA-256. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The client whose key is in the `Authorization: Bearer <key>` header, or undefined. Every configured hash
 * is compared in constant time, so the answer takes as long for a near miss as for a stranger.
 */
export function authenticate(
  header: string | undefined,
  clients: readonly ApiClientConfig[],
): ApiClient | undefined {
  const match = header === undefined ? null : BEARER.exec(header);
  if (!match) return undefined;
  const presented = sha256(match[1]!);
  let found: ApiClientConfig | undefined;
  for (const client of clients) {
    for (const hash of client.keySha256) {
      if (timingSafeEqual(presented, Buffer.from(hash, 'hex')) && !found) found = client;
    }
  }
  return found ? { id: found.id, municipalities: found.municipalities } : undefined;
}

export function canActFor(client: ApiClient, municipalityCode: string): boolean {
  return client.municipalities.includes('*') || client.municipalities.includes(municipalityCode);
}

/** The development client of the embedded mode, when no client is configured and no database URL is set. */
export const OPEN_DEVELOPMENT_CLIENT: ApiClient = { id: 'embedded-development', municipalities: ['*'] };

/** What to configure for a new key: `keySha256` takes this value. */
export function apiKeyHash(key: string): string {
  return sha256(key).toString('hex');
}
