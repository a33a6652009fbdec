import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>` with the webhook's secret, sent as
 *   Mnc-Webhook-Id: <delivery id>   (the same on every retry: receivers drop duplicates by it)
 *   Mnc-Webhook-Timestamp: <Unix seconds of this attempt>
 *   Mnc-Webhook-Signature: v1=<hex>
 * A receiver recomputes the HMAC over the raw body and refuses a timestamp older than its tolerance, so a
 * captured request cannot be replayed later.
 */
export const SIGNATURE_HEADERS = {
  id: 'mnc-webhook-id',
  timestamp: 'mnc-webhook-timestamp',
  signature: 'mnc-webhook-signature',
} as const;

export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'MALFORMED' | 'STALE' | 'BAD_SIGNATURE' };

/** What a receiver does with a delivery: the reference implementation the API docs show. */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  const timestamp = Number(headers.timestamp);
  if (!headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp) || !headers.signature?.startsWith('v1=')) {
    return { ok: false, reason: 'MALFORMED' };
  }
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'STALE' };
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody));
  const presented = Buffer.from(headers.signature);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
    return { ok: false, reason: 'BAD_SIGNATURE' };
  }
  return { ok: true };
}

/** Attempts in all before a delivery is marked failed (about a day and a half of retrying). */
export const MAX_WEBHOOK_ATTEMPTS = 12;

/** Delay before attempt `attempt + 1`: 10 s doubling, at most 6 h. */
export function webhookBackoffMs(attempt: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 6 * 3600_000);
}
