import {
  CARD_COMMANDS,
  CARD_STATES,
  canTransition,
  catchUpTo,
  InvalidTransitionError,
  transition,
  transitionAll,
  type CardCommand,
  type CardState,
  type CertificateAction,
} from './lifecycle';
import { revocationReasonFor } from './revocation';

/**
 * The expected machine, written out by hand as an independent oracle: every (state, command) pair not listed
 * here must be refused.
 */
const EXPECTED: Partial<Record<CardState, Partial<Record<CardCommand, [CardState, CertificateAction]>>>> = {
  encoded: { 'set-up': ['set-up', 'hold'], revoke: ['revoked', 'revoke'] },
  'set-up': { dispatch: ['dispatched', 'none'], revoke: ['revoked', 'revoke'] },
  dispatched: {
    deliver: ['delivered', 'none'],
    'return-to-sender': ['returned-to-sender', 'none'],
    revoke: ['revoked', 'revoke'],
  },
  delivered: { 'hand-over': ['in-use', 'release'], revoke: ['revoked', 'revoke'] },
  'in-use': {
    'report-lost': ['suspended', 'hold'],
    revoke: ['revoked', 'revoke'],
    expire: ['expired', 'none'],
  },
  'returned-to-sender': { dispatch: ['dispatched', 'none'], revoke: ['revoked', 'revoke'] },
  suspended: {
    restore: ['in-use', 'release'],
    'declare-permanently-lost': ['permanently-lost', 'revoke'],
    revoke: ['revoked', 'revoke'],
    expire: ['expired', 'none'],
  },
  'permanently-lost': {},
  revoked: {},
  expired: {},
};

const matrix = CARD_STATES.flatMap((from) => CARD_COMMANDS.map((command) => ({ from, command })));
const valid = matrix.filter(({ from, command }) => EXPECTED[from]?.[command]);
const invalid = matrix.filter(({ from, command }) => !EXPECTED[from]?.[command]);

describe('card lifecycle', () => {
  it('covers every state and command pair (the matrix is complete)', () => {
    expect(valid.length + invalid.length).toBe(CARD_STATES.length * CARD_COMMANDS.length);
    expect(valid).toHaveLength(18);
  });

  describe.each(valid)('given a card that is $from, when $command', ({ from, command }) => {
    const [to, certificates] = EXPECTED[from]![command]!;
    it(`then it becomes ${to} and its certificates: ${certificates}`, () => {
      expect(canTransition(from, command)).toBe(true);
      expect(transition(from, command)).toEqual({ from, to, command, certificates });
    });
  });

  describe.each(invalid)('given a card that is $from, when $command', ({ from, command }) => {
    it('then the command is refused with a typed, permanent error', () => {
      expect(canTransition(from, command)).toBe(false);
      let error: unknown;
      try {
        transition(from, command);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidTransitionError);
      expect(error).toMatchObject({ code: 'INVALID_CARD_TRANSITION', from, command, permanent: true });
    });
  });

  it('takes a normal-route card from encoding to use', () => {
    const steps = transitionAll('encoded', ['set-up', 'dispatch', 'deliver', 'hand-over']);
    expect(steps.map((s) => s.to)).toEqual(['set-up', 'dispatched', 'delivered', 'in-use']);
    expect(steps.map((s) => s.certificates)).toEqual(['hold', 'none', 'none', 'release']);
  });

  it('keeps temporarily lost apart from permanently lost: a found card comes back, a replaced one never', () => {
    expect(transitionAll('in-use', ['report-lost', 'restore']).at(-1)!.to).toBe('in-use');
    expect(transitionAll('in-use', ['report-lost', 'declare-permanently-lost']).at(-1)!.to).toBe(
      'permanently-lost',
    );
    expect(() => transition('permanently-lost', 'restore')).toThrow(InvalidTransitionError);
  });

  it('stops at the first refused command of a sequence', () => {
    expect(() => transitionAll('encoded', ['set-up', 'deliver', 'dispatch'])).toThrow(
      expect.objectContaining({ from: 'set-up', command: 'deliver' }),
    );
  });
});

describe('revocationReasonFor', () => {
  it('revokes a replaced lost card for key compromise', () => {
    expect(revocationReasonFor('lost-card-replaced')).toEqual({ reason: 'keyCompromise' });
  });
  it('revokes a replaced card that was found again as superseded', () => {
    expect(revocationReasonFor('found-card-replaced')).toEqual({ reason: 'superseded' });
  });
  it('revokes for a death as affiliationChanged with the death sub-reason', () => {
    expect(revocationReasonFor('holder-deceased')).toEqual({
      reason: 'affiliationChanged',
      subReason: 'death',
    });
  });
});

describe('catchUpTo', () => {
  it.each([
    ['set-up', 'dispatched', ['dispatch']],
    ['set-up', 'delivered', ['dispatch', 'deliver']],
    ['set-up', 'in-use', ['dispatch', 'deliver', 'hand-over']],
    ['dispatched', 'in-use', ['deliver', 'hand-over']],
    ['delivered', 'in-use', ['hand-over']],
  ] as const)('brings a %s card to %s with %j', (from, target, commands) => {
    expect(catchUpTo(from, target)).toEqual(commands);
  });

  it.each([
    ['dispatched', 'dispatched'],
    ['delivered', 'dispatched'],
    ['in-use', 'delivered'],
    ['suspended', 'in-use'],
    ['revoked', 'delivered'],
    ['returned-to-sender', 'dispatched'],
  ] as const)('treats a %s card as already past %s: nothing to do', (from, target) => {
    expect(catchUpTo(from, target)).toEqual([]);
  });

  it('refuses to skip the setup: an encoded card cannot be dispatched by a late event', () => {
    expect(() => catchUpTo('encoded', 'dispatched')).toThrow(InvalidTransitionError);
  });

  it('refuses to deliver a returned card without a new dispatch', () => {
    expect(() => catchUpTo('returned-to-sender', 'delivered')).toThrow(InvalidTransitionError);
  });
});
