import { checkChosenPin, initialPinState, PUK_MAX_TRIES } from './pins';

describe('initial PIN state', () => {
  it('legacy: four reference data, the two JPKI ones set at encoding, no PUK', () => {
    const slots = initialPinState('legacy-rsa2048');
    expect(slots.map((s) => [s.id, s.format, s.maxTries, s.initialState])).toEqual([
      ['signature-password', 'alphanumeric-6-16', 5, 'set'],
      ['user-auth-pin', 'digits-4', 3, 'set'],
      ['resident-register-pin', 'digits-4', 3, 'unset'],
      ['text-ap-pin', 'digits-4', 3, 'unset'],
    ]);
    expect(slots.some((s) => s.unblockableByPuk)).toBe(false);
  });

  it('next-gen: signature password and one PIN, both unset and PUK-unblockable; the PUK is set', () => {
    const slots = initialPinState('next-gen');
    expect(slots.map((s) => [s.id, s.initialState, s.unblockableByPuk])).toEqual([
      ['signature-password', 'unset', true],
      ['pin', 'unset', true],
      ['puk', 'set', false],
    ]);
    expect(slots.find((s) => s.id === 'puk')?.maxTries).toBe(PUK_MAX_TRIES);
    // A verified signature password also satisfies everything the PIN opens.
    const password = slots.find((s) => s.id === 'signature-password')!;
    for (const ap of slots.find((s) => s.id === 'pin')!.opens) expect(password.opens).toContain(ap);
  });
});

describe('checkChosenPin', () => {
  const facts = { birthDate: '1985-06-15', securityCode: '0421' };
  it('accepts an ordinary PIN and password', () => {
    expect(checkChosenPin('digits-4', '7392', facts)).toBeUndefined();
    expect(checkChosenPin('alphanumeric-6-16', 'ABC123', facts)).toBeUndefined();
  });
  it('refuses the birth date and the security code (the paper)', () => {
    expect(checkChosenPin('digits-4', '0615', facts)).toBe('EQUALS_BIRTH_DATE');
    expect(checkChosenPin('digits-4', '1985', facts)).toBe('EQUALS_BIRTH_DATE');
    expect(checkChosenPin('digits-4', '0421', facts)).toBe('EQUALS_SECURITY_CODE');
  });
  it('refuses wrong shapes', () => {
    expect(checkChosenPin('digits-4', '123', facts)).toBe('FORMAT');
    expect(checkChosenPin('digits-4', '12a4', facts)).toBe('FORMAT');
    expect(checkChosenPin('alphanumeric-6-16', 'abc123', facts)).toBe('FORMAT');
    expect(checkChosenPin('alphanumeric-6-16', 'A'.repeat(17), facts)).toBe('FORMAT');
    expect(checkChosenPin('digits-8', '1234567', facts)).toBe('FORMAT');
  });
});
