import { japanDate } from './clock';

describe('japanDate', () => {
  it('given 14:59:59.999 UTC, then it is still the same day in Japan (23:59:59.999 JST)', () => {
    expect(japanDate(new Date('2026-03-31T14:59:59.999Z'))).toBe('2026-03-31');
  });

  it('given 15:00 UTC, then it is already the next day in Japan (00:00 JST)', () => {
    expect(japanDate(new Date('2026-03-31T15:00:00.000Z'))).toBe('2026-04-01');
  });

  it('given 15:00 UTC on 31 December, then it is New Year in Japan', () => {
    expect(japanDate(new Date('2025-12-31T15:00:00Z'))).toBe('2026-01-01');
  });

  it('given 15:00 UTC on 28 February of a leap year, then it is 29 February in Japan', () => {
    expect(japanDate(new Date('2028-02-28T15:00:00Z'))).toBe('2028-02-29');
  });

  it('given midnight UTC, then it is 09:00 the same day in Japan', () => {
    expect(japanDate(new Date('2026-07-01T00:00:00Z'))).toBe('2026-07-01');
  });

  it('given no instant, then it is the Japanese date of now', () => {
    jest.useFakeTimers({ now: new Date('2026-06-30T15:30:00Z') });
    try {
      expect(japanDate()).toBe('2026-07-01');
    } finally {
      jest.useRealTimers();
    }
  });
});
