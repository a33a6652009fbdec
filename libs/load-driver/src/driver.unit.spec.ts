import { runInNewContext } from 'node:vm';
import { DriverError, hopDurationsMs, isFetchFailure, submitToReadyForDispatchMs } from './driver';

describe('isFetchFailure', () => {
  it('recognises a TypeError from another realm, as fetch throws inside a Jest test', () => {
    const foreign = runInNewContext('new TypeError("fetch failed")') as unknown;
    expect(foreign instanceof TypeError).toBe(false);
    expect(isFetchFailure(foreign)).toBe(true);
  });

  it('recognises a TypeError of this realm', () => {
    expect(isFetchFailure(new TypeError('fetch failed'))).toBe(true);
  });

  it('does not take other errors for a network failure', () => {
    expect(isFetchFailure(new DriverError('submission failed with 422'))).toBe(false);
    expect(isFetchFailure(new RangeError('x'))).toBe(false);
    expect(isFetchFailure('fetch failed')).toBe(false);
    expect(isFetchFailure(undefined)).toBe(false);
  });
});

describe('hopDurationsMs', () => {
  const at = (ms: number) => new Date(Date.parse('2026-11-28T00:00:00Z') + ms).toISOString();
  const event = (type: string, ms: number) => ({ eventId: type, type, source: '/mnc/test', at: at(ms) });

  it('times each hop from the previous event, the first from the submission', () => {
    const view = {
      id: 'a',
      status: 'delivered',
      submittedAt: at(0),
      timeline: [
        event('application.submitted', 0),
        event('photo.accepted', 120),
        event('issuance-data.generated', 200),
        event('card.encoded', 900),
        event('card.ready-for-dispatch', 950),
        event('card.dispatched', 1000),
        event('card.delivered', 1300),
      ],
    };
    expect(hopDurationsMs(view)).toEqual({
      'photo-screening': 120,
      'issuance-data': 80,
      'encode-lane': 700,
      'pre-delivery': 50,
      delivery: 50,
    });
    expect(submitToReadyForDispatchMs(view)).toBe(950);
  });

  it('leaves out hops whose event, or the one before, is missing', () => {
    const view = {
      id: 'b',
      status: 'encoding',
      submittedAt: at(0),
      timeline: [event('photo.accepted', 100), event('card.encoded', 700)],
    };
    expect(hopDurationsMs(view)).toEqual({ 'photo-screening': 100 });
    expect(submitToReadyForDispatchMs(view)).toBeUndefined();
  });
});
