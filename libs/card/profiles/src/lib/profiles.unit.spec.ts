import { hex } from './bytes';
import { CARD_PROFILES, profileAtr } from './profiles';

describe('card profile ATRs', () => {
  it('presents the legacy card ATR that OpenSC matches', () => {
    expect(hex(profileAtr('legacy-rsa2048'))).toBe('3BE000FF8131FE4514');
  });

  it.each(CARD_PROFILES)('has a valid TCK for %s (XOR of T0..TCK is zero)', (profile) => {
    const atr = profileAtr(profile);
    expect(atr.subarray(1).reduce((xor, byte) => xor ^ byte, 0)).toBe(0);
  });

  it.each(CARD_PROFILES)('declares as many historical bytes as %s carries', (profile) => {
    const atr = profileAtr(profile);
    // TS T0 TB1 TC1 TD1 TD2 TA3 TB3 = 8 bytes of header and interface bytes, then K historical bytes, then TCK.
    const historical = atr[1] & 0x0f;
    expect(atr.length).toBe(8 + historical + 1);
  });

  it('gives next-gen an ATR different from the legacy one, so legacy drivers do not claim it', () => {
    expect(hex(profileAtr('next-gen'))).not.toBe(hex(profileAtr('legacy-rsa2048')));
  });
});
