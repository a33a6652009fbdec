import { band, THRESHOLDS } from './checks';

describe('band', () => {
  it('is green inside, amber in the margins, red beyond, with the reason of the side it left', () => {
    expect(band('brightness', 140, THRESHOLDS.brightness)).toMatchObject({ band: 'green', value: 140 });
    expect(band('brightness', 70, THRESHOLDS.brightness)).toMatchObject({
      band: 'amber',
      review: 'BORDERLINE_QUALITY',
    });
    expect(band('brightness', 30, THRESHOLDS.brightness)).toMatchObject({
      band: 'red',
      rejection: 'TOO_DARK',
    });
    expect(band('brightness', 250, THRESHOLDS.brightness)).toMatchObject({
      band: 'red',
      rejection: 'OVEREXPOSED',
    });
  });

  it('never rejects for a check a person must judge (glare, shadows, expression)', () => {
    expect(band('glare', 0.9, THRESHOLDS.glare)).toMatchObject({ band: 'amber', review: 'GLASSES_GLARE' });
    expect(band('shadows', 0.9, THRESHOLDS.shadows)).toMatchObject({ band: 'amber', review: 'SHADOWS' });
    expect(band('mouthClosed', 0.9, THRESHOLDS.mouthClosed)).toMatchObject({
      band: 'amber',
      review: 'NON_NEUTRAL_EXPRESSION',
    });
  });

  it('sends what could not be measured to a person', () => {
    expect(band('yaw', null, THRESHOLDS.yaw)).toMatchObject({ band: 'amber', value: null });
    expect(band('yaw', Number.NaN, THRESHOLDS.yaw)).toMatchObject({ band: 'amber', value: null });
  });

  it('gives every red threshold a rejection reason', () => {
    for (const [name, spec] of Object.entries(THRESHOLDS)) {
      if ('personOnly' in spec && spec.personOnly) continue;
      if ('redBelow' in spec) expect({ name, low: 'low' in spec }).toEqual({ name, low: true });
      if ('redAbove' in spec) expect({ name, high: 'high' in spec }).toEqual({ name, high: true });
    }
  });
});
