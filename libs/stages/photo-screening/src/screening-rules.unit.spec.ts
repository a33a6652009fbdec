import { MIN_HEIGHT, MIN_WIDTH, screenDecodedPhoto, UNREADABLE } from './screening-rules';

const photo = (width: number, height: number) => ({ width, height, format: 'jpeg' });

describe('screenDecodedPhoto', () => {
  it('requires at least the chip image size, 420 × 540', () => {
    expect([MIN_WIDTH, MIN_HEIGHT]).toEqual([420, 540]);
  });

  it('given exactly 420 × 540, then the photo is accepted as decoded', () => {
    expect(screenDecodedPhoto(photo(420, 540))).toEqual({ outcome: 'accepted', photo: photo(420, 540) });
  });

  it('given a photo larger than the minimum, then it is accepted', () => {
    expect(screenDecodedPhoto(photo(3024, 4032)).outcome).toBe('accepted');
  });

  it.each([
    ['one pixel too narrow', 419, 540],
    ['one pixel too short', 420, 539],
    ['landscape, tall enough only when turned', 540, 420],
    ['tiny', 1, 1],
  ])('given a photo %s (%i × %i), then it is rejected with LOW_RESOLUTION', (_, width, height) => {
    const result = screenDecodedPhoto(photo(width, height));
    expect(result.outcome).toBe('rejected');
    expect(result.outcome === 'rejected' && result.reasons.map((r) => r.code)).toEqual(['LOW_RESOLUTION']);
  });

  it('given a rejected photo, then the message gives its size and the minimum', () => {
    const result = screenDecodedPhoto(photo(419, 540));
    expect(result.outcome === 'rejected' && result.reasons[0].message).toContain('419×540');
    expect(result.outcome === 'rejected' && result.reasons[0].message).toContain('420×540');
  });
});

describe('UNREADABLE', () => {
  it('is a rejection with the single reason UNREADABLE_IMAGE', () => {
    expect(UNREADABLE.outcome === 'rejected' && UNREADABLE.reasons.map((r) => r.code)).toEqual([
      'UNREADABLE_IMAGE',
    ]);
  });
});
