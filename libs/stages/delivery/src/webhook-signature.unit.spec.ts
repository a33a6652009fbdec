import { signWebhook, verifyWebhook } from './webhook-signature';

const secret = 'a-test-secret-of-at-least-32-characters!';
const body = Buffer.from('{"eventId":"e1","trackingNumber":"SP1JP","status":"delivered"}');
const now = new Date('2026-04-05T12:00:00Z');
const ts = Math.floor(now.getTime() / 1000);

describe('carrier webhook signature', () => {
  it('accepts a body signed with the secret and a current timestamp', () => {
    const signature = signWebhook(secret, ts, body);
    expect(verifyWebhook({ secret, rawBody: body, signature, timestamp: String(ts), now })).toBeNull();
  });

  it('refuses a signature made with another secret', () => {
    const signature = signWebhook('another-secret-of-at-least-32-characters', ts, body);
    expect(verifyWebhook({ secret, rawBody: body, signature, timestamp: String(ts), now })).toBe(
      'bad-signature',
    );
  });

  it('refuses a body changed after signing', () => {
    const signature = signWebhook(secret, ts, body);
    const changed = Buffer.from(body.toString().replace('delivered', 'returned-to-sender'));
    expect(verifyWebhook({ secret, rawBody: changed, signature, timestamp: String(ts), now })).toBe(
      'bad-signature',
    );
  });

  it('refuses a timestamp changed after signing (the timestamp is signed too)', () => {
    const signature = signWebhook(secret, ts, body);
    expect(verifyWebhook({ secret, rawBody: body, signature, timestamp: String(ts + 1), now })).toBe(
      'bad-signature',
    );
  });

  it('refuses a replay outside the tolerance window, even correctly signed', () => {
    const old = ts - 301;
    const signature = signWebhook(secret, old, body);
    expect(verifyWebhook({ secret, rawBody: body, signature, timestamp: String(old), now })).toBe(
      'stale-timestamp',
    );
  });

  it('refuses missing headers and a malformed timestamp', () => {
    expect(verifyWebhook({ secret, rawBody: body, signature: undefined, timestamp: '1', now })).toBe(
      'missing-signature',
    );
    expect(verifyWebhook({ secret, rawBody: body, signature: 'v1=00', timestamp: '12ab', now })).toBe(
      'malformed-timestamp',
    );
  });
});
