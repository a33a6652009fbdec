import { createEvent, type PayloadOf } from '@mnc/contracts';
import { lettersFor, planSetup } from './setup-rules';

const encoded = (route: 'normal' | 'express'): PayloadOf<'card.encoded'> => ({
  applicationId: '01936f2e-7c1a-7b3d-9e4f-5a6b7c8d9e0f',
  route,
  cardProfile: 'next-gen',
  municipalityCode: '131016',
  applicantRecord: {
    hash: `sha256:${'ab'.repeat(32)}`,
    size: 377,
    mediaType: 'application/vnd.mnc.applicant-record.v1+json',
  },
  cardId: '01936f2f-0000-7aaa-8bbb-0123456789ab',
  chipSerial: '0123456789ABCDEF',
  lane: 'lane-2',
  attempt: 1,
  encodedAt: '2026-04-03T01:02:03Z',
});

describe('planSetup', () => {
  it('given an express card, then it is delivered to the resident', () => {
    expect(planSetup(encoded('express')).deliverTo).toBe('resident');
  });

  it('given a normal card, then it is delivered to the municipality', () => {
    expect(planSetup(encoded('normal')).deliverTo).toBe('municipality');
  });

  it.each(['normal', 'express'] as const)('given a %s card, then activation waits for delivery', (route) => {
    expect(planSetup(encoded(route)).activation).toBe('pending-delivery');
  });

  it('carries the routing fields and the card id forward unchanged', () => {
    const input = encoded('normal');
    expect(planSetup(input)).toMatchObject({
      applicationId: input.applicationId,
      route: 'normal',
      cardProfile: 'next-gen',
      municipalityCode: '131016',
      applicantRecord: input.applicantRecord,
      cardId: input.cardId,
    });
  });

  it('drops the lane-only fields, so the payload satisfies the card.ready-for-dispatch schema', () => {
    const plan = planSetup(encoded('express'));
    for (const field of ['chipSerial', 'lane', 'attempt', 'encodedAt'])
      expect(plan).not.toHaveProperty(field);
    expect(() => createEvent('card.ready-for-dispatch', '/mnc/pre-delivery', plan)).not.toThrow();
  });
});

describe('lettersFor', () => {
  it.each([
    ['normal', 'next-gen', { deliveryNotice: true, pukLetter: true, pinLetter: false }],
    ['normal', 'legacy-rsa2048', { deliveryNotice: true, pukLetter: false, pinLetter: true }],
    ['express', 'next-gen', { deliveryNotice: false, pukLetter: true, pinLetter: false }],
    ['express', 'legacy-rsa2048', { deliveryNotice: false, pukLetter: false, pinLetter: true }],
  ] as const)('given a %s %s card, then the letters are %j', (route, cardProfile, expected) => {
    expect(lettersFor({ route, cardProfile })).toEqual(expected);
  });
});
