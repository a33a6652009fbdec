import { reviewerId } from '../upstream/upstream';
import { describeBand } from './review-view';

describe('the photo review page', () => {
  it("writes a check's band as the green range and the red limits, in its unit", () => {
    expect(describeBand({ unit: '°', redBelow: -16, amberBelow: -8, amberAbove: 8, redAbove: 16 })).toBe(
      'green -8 – 8; red < -16 / > 16 (°)',
    );
    expect(describeBand({ unit: 'px', redBelow: 60, amberBelow: 90 })).toBe('green ≥ 90; red < 60 (px)');
    expect(describeBand({ unit: 'share', amberAbove: 0.05, personOnly: true })).toBe(
      'green ≤ 0.05; person decides (share)',
    );
    expect(describeBand(undefined)).toBe('–');
  });

  it('names the operator to photo screening as <via>.<name>, refusing what its header cannot carry', () => {
    expect(reviewerId('local', 'rei')).toBe('local.rei');
    expect(reviewerId('oidc', 'kenji@example.jp')).toBe('oidc.kenji@example.jp');
    expect(reviewerId('oidc', 'a name with spaces')).toBeUndefined();
    expect(reviewerId('local', 'x'.repeat(64))).toBeUndefined();
  });
});
