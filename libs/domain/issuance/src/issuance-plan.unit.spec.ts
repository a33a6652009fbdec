import fc from 'fast-check';
import { cardNumberFor } from './card-number';
import { generateCardSecrets, planIssuance } from './issuance-plan';

const CARD = cardNumberFor(42n);

describe('generateCardSecrets', () => {
  it('gives a legacy card a security code and initial PINs, a next-gen card a security code and a PUK', () => {
    expect(Object.keys(generateCardSecrets('legacy-rsa2048'))).toEqual(['securityCode', 'initialPins']);
    expect(generateCardSecrets('legacy-rsa2048').initialPins).toEqual({
      userAuthenticationPin: expect.stringMatching(/^[0-9]{4}$/),
      signaturePassword: expect.stringMatching(/^[A-Z0-9]{8}$/),
    });
    const nextGen = generateCardSecrets('next-gen');
    expect(nextGen.securityCode).toMatch(/^[0-9]{4}$/);
    expect(nextGen.puk).toMatch(/^[0-9]{8}$/);
  });
});

describe('planIssuance', () => {
  it('given an adult next-gen applicant, then card and certificates end on the 10th birthday', () => {
    const plan = planIssuance({
      cardProfile: 'next-gen',
      cardNumber: CARD,
      birthDate: '1989-01-07',
      issuedOn: '2026-11-28',
      secrets: { securityCode: '0421', puk: '12345678' },
    });
    expect(plan).toMatchObject({
      expiresOn: '2036-01-07',
      certificates: {
        validFrom: '2026-11-28',
        lastValidDay: '2036-01-07',
        notBefore: '2026-11-28T00:00:00+09:00',
        notAfter: '2036-01-07T23:59:59+09:00',
      },
      collationNumberB: '64010720360421',
      puk: '12345678',
    });
    expect(plan.pins.map((p) => p.id)).toEqual(['signature-password', 'pin', 'puk']);
  });

  it('given a 17-year-old legacy applicant, then a 5-birthday card, certificates to match and no PUK', () => {
    const plan = planIssuance({
      cardProfile: 'legacy-rsa2048',
      cardNumber: CARD,
      birthDate: '2009-05-01',
      issuedOn: '2026-04-30',
      secrets: {
        securityCode: '9999',
        initialPins: { userAuthenticationPin: '1234', signaturePassword: 'TESTPASS1' },
      },
    });
    expect(plan.expiresOn).toBe('2030-05-01');
    expect(plan.certificates.lastValidDay).toBe('2030-05-01');
    expect(plan.collationNumberB).toBe('21050120309999');
    expect(plan).not.toHaveProperty('puk');
  });

  it('refuses inconsistent secrets and a bad card number', () => {
    const base = { cardNumber: CARD, birthDate: '1990-01-01', issuedOn: '2026-01-01' } as const;
    expect(() =>
      planIssuance({ ...base, cardProfile: 'next-gen', secrets: { securityCode: '0000' } }),
    ).toThrow(RangeError);
    expect(() =>
      planIssuance({
        ...base,
        cardProfile: 'legacy-rsa2048',
        secrets: { securityCode: '0000', puk: '12345678' },
      }),
    ).toThrow(RangeError);
    expect(() =>
      planIssuance({
        ...base,
        cardProfile: 'legacy-rsa2048',
        secrets: {
          securityCode: '000',
          initialPins: { userAuthenticationPin: '1234', signaturePassword: 'TESTPASS1' },
        },
      }),
    ).toThrow(RangeError);
    expect(() =>
      planIssuance({ ...base, cardProfile: 'legacy-rsa2048', secrets: { securityCode: '0000' } }),
    ).toThrow(/initial PINs/);
    expect(() =>
      planIssuance({
        ...base,
        cardNumber: 'A0000000000X',
        cardProfile: 'legacy-rsa2048',
        secrets: {
          securityCode: '0000',
          initialPins: { userAuthenticationPin: '1234', signaturePassword: 'TESTPASS1' },
        },
      }),
    ).toThrow(RangeError);
  });

  it('always puts the expiry year and the security code into 照合番号B (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1920-01-01T00:00:00Z'),
          max: new Date('2026-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 9999 }),
        (birth, code) => {
          const securityCode = String(code).padStart(4, '0');
          const plan = planIssuance({
            cardProfile: 'legacy-rsa2048',
            cardNumber: CARD,
            birthDate: birth.toISOString().slice(0, 10),
            issuedOn: '2026-06-01',
            secrets: {
              securityCode,
              initialPins: { userAuthenticationPin: '1234', signaturePassword: 'TESTPASS1' },
            },
          });
          expect(plan.collationNumberB.slice(6)).toBe(plan.expiresOn.slice(0, 4) + securityCode);
        },
      ),
    );
  });
});
