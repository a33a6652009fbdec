import { runInNewContext } from 'node:vm';
import { DriverError, isFetchFailure } from './driver';

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
