import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Carrier webhook signatures: `X-Carrier-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` with
 * `X-Carrier-Timestamp: <unix seconds>`. A timestamp more than `toleranceSeconds` away from now is refused, so
 * a captured request cannot be replayed later; within the window the carrier's event id is accepted once.
 */
export const SIGNATURE_HEADER = 'x-carrier-signature';
export const TIMESTAMP_HEADER = 'x-carrier-timestamp';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type SignatureProblem =
  'missing-signature' | 'malformed-timestamp' | 'stale-timestamp' | 'bad-signature';

export function signWebhook(secret: string, timestamp: number, rawBody: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `v1=${mac}`;
}

export function verifyWebhook(input: {
  secret: string;
  rawBody: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  now: Date;
  toleranceSeconds?: number;
}): SignatureProblem | null {
  if (!input.signature || !input.timestamp) return 'missing-signature';
  if (!/^[0-9]{1,12}$/.test(input.timestamp)) return 'malformed-timestamp';
  const timestamp = Number(input.timestamp);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(input.now.getTime() / 1000 - timestamp) > tolerance) return 'stale-timestamp';
  const expected = Buffer.from(signWebhook(input.secret, timestamp, input.rawBody));
  const given = Buffer.from(input.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
  return null;
}
