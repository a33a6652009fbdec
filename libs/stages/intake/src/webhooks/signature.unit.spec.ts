import { MAX_WEBHOOK_ATTEMPTS, signWebhook, verifyWebhook, webhookBackoffMs } from './signature';

const secret = 'whsec_test_only_0123456789abcdef';
const body = JSON.stringify({ type: 'application.status-changed', status: 'delivered' });

describe('webhook signatures', () => {
  const now = 1_800_000_000;
  const headers = (timestamp: number, signature = signWebhook(secret, timestamp, body)) => ({
    timestamp: String(timestamp),
    signature,
  });

  it('verifies a fresh delivery signed with the secret', () => {
    expect(verifyWebhook(secret, headers(now), body, now + 5)).toEqual({ ok: true });
  });

  it('refuses a replay after the tolerance', () => {
    expect(verifyWebhook(secret, headers(now), body, now + 301)).toEqual({ ok: false, reason: 'STALE' });
  });

  it('refuses a changed body, another secret or a changed timestamp', () => {
    expect(verifyWebhook(secret, headers(now), body.replace('delivered', 'cancelled'), now)).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    expect(verifyWebhook('another-secret', headers(now), body, now)).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    const moved = { timestamp: String(now + 1), signature: signWebhook(secret, now, body) };
    expect(verifyWebhook(secret, moved, body, now)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses missing or malformed headers', () => {
    expect(verifyWebhook(secret, { timestamp: undefined, signature: 'v1=00' }, body, now).ok).toBe(false);
    expect(verifyWebhook(secret, { timestamp: 'soon', signature: 'v1=00' }, body, now).ok).toBe(false);
    expect(verifyWebhook(secret, { timestamp: String(now), signature: 'sha1=00' }, body, now).ok).toBe(false);
  });
});

describe('webhook retry backoff', () => {
  it('doubles from 10 seconds and stays under 6 hours', () => {
    expect([1, 2, 3, 4].map(webhookBackoffMs)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(webhookBackoffMs(MAX_WEBHOOK_ATTEMPTS)).toBeLessThanOrEqual(6 * 3600_000);
    expect(webhookBackoffMs(40)).toBe(6 * 3600_000);
  });
});
