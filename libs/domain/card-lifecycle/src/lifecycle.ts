/**
 * The card lifecycle: one explicit state machine, pure, owned by the pre-delivery service (the only writer of a
 * card's lifecycle state; every other service learns it from `card.lifecycle-changed`).
 *
 * A transition is a command applied to a state. `transition()` either returns the next state with what must
 * happen to the card's certificates, or throws `InvalidTransitionError` and changes nothing: callers run it
 * before they write anything, so a refused command leaves no trace.
 */
export const CARD_STATES = [
  'encoded',
  'set-up',
  'dispatched',
  'delivered',
  'in-use',
  'returned-to-sender',
  'suspended',
  'permanently-lost',
  'revoked',
  'expired',
] as const;
export type CardState = (typeof CARD_STATES)[number];

export const CARD_COMMANDS = [
  'set-up',
  'dispatch',
  'deliver',
  'hand-over',
  'return-to-sender',
  'report-lost',
  'restore',
  'declare-permanently-lost',
  'revoke',
  'expire',
] as const;
export type CardCommand = (typeof CARD_COMMANDS)[number];

/** States a card never leaves. */
export const TERMINAL_STATES: readonly CardState[] = ['permanently-lost', 'revoked', 'expired'];

/**
 * What the transition asks of the card's certificates (deliver before activate: they are held from setup until
 * the card reaches its holder).
 */
export type CertificateAction = 'none' | 'hold' | 'release' | 'revoke';

interface Rule {
  readonly from: readonly CardState[];
  readonly to: CardState;
  readonly certificates: CertificateAction;
  readonly why: string;
}

const NOT_TERMINAL = CARD_STATES.filter((s) => !TERMINAL_STATES.includes(s));

/** The whole machine. Anything not listed here is refused. */
export const TRANSITIONS: { readonly [C in CardCommand]: Rule } = {
  'set-up': {
    from: ['encoded'],
    to: 'set-up',
    certificates: 'hold',
    why: 'central pre-delivery setup; certificates stay unusable until the card reaches its holder',
  },
  dispatch: {
    from: ['set-up', 'returned-to-sender'],
    to: 'dispatched',
    certificates: 'none',
    why: 'handed to the carrier (again, after a return to sender and an operator resolution)',
  },
  deliver: {
    from: ['dispatched'],
    to: 'delivered',
    certificates: 'none',
    why: 'the carrier confirmed delivery (to the resident, or to the municipality for handover)',
  },
  'hand-over': {
    from: ['delivered'],
    to: 'in-use',
    certificates: 'release',
    why: 'the holder has the card: restricted-delivery mail or the counter checked identity',
  },
  'return-to-sender': {
    from: ['dispatched'],
    to: 'returned-to-sender',
    certificates: 'none',
    why: 'the carrier could not deliver; an operator work item is opened',
  },
  'report-lost': {
    from: ['in-use'],
    to: 'suspended',
    certificates: 'hold',
    why: 'temporarily lost: certificates on hold, restorable if the card is found',
  },
  restore: {
    from: ['suspended'],
    to: 'in-use',
    certificates: 'release',
    why: 'the card was found before its replacement was delivered; the hold is lifted',
  },
  'declare-permanently-lost': {
    from: ['suspended'],
    to: 'permanently-lost',
    certificates: 'revoke',
    why: 'the replacement card was delivered; the lost card can never come back',
  },
  revoke: {
    from: NOT_TERMINAL,
    to: 'revoked',
    certificates: 'revoke',
    why: 'the card is withdrawn for good (death of the holder, for example)',
  },
  expire: {
    from: ['in-use', 'suspended'],
    to: 'expired',
    certificates: 'none',
    why: 'the card passed its expiry date; its certificates expire with it',
  },
};

export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
  readonly code = 'INVALID_CARD_TRANSITION';
  /** A refused command is a domain decision: redelivering the same command can never succeed. */
  readonly permanent = true;
  constructor(
    readonly from: CardState,
    readonly command: CardCommand,
  ) {
    super(`a card that is ${from} cannot take the command ${command}`);
  }
}

export interface TransitionResult {
  readonly from: CardState;
  readonly to: CardState;
  readonly command: CardCommand;
  readonly certificates: CertificateAction;
}

export function canTransition(from: CardState, command: CardCommand): boolean {
  return TRANSITIONS[command].from.includes(from);
}

export function transition(from: CardState, command: CardCommand): TransitionResult {
  const rule = TRANSITIONS[command];
  if (!rule.from.includes(from)) throw new InvalidTransitionError(from, command);
  return { from, to: rule.to, command, certificates: rule.certificates };
}

/** Applies commands in order; the first refused one throws and nothing after it runs. */
export function transitionAll(from: CardState, commands: readonly CardCommand[]): TransitionResult[] {
  const results: TransitionResult[] = [];
  let state = from;
  for (const command of commands) {
    const result = transition(state, command);
    results.push(result);
    state = result.to;
  }
  return results;
}

export function isCardState(value: string): value is CardState {
  return (CARD_STATES as readonly string[]).includes(value);
}

/**
 * How far along the delivery chain a state is. Events from different topics may arrive out of order (a
 * delivery report before the dispatch it implies), so a forward event brings the card up to its state along
 * the chain, and an event for a state the card has already passed is stale and changes nothing.
 */
const CHAIN_RANK: { readonly [S in CardState]: number } = {
  encoded: 0,
  'set-up': 1,
  dispatched: 2,
  'returned-to-sender': 2.5,
  delivered: 3,
  'in-use': 4,
  suspended: 5,
  'permanently-lost': 5,
  revoked: 5,
  expired: 5,
};
const NEXT_ON_CHAIN: Partial<Record<CardState, CardCommand>> = {
  'set-up': 'dispatch',
  dispatched: 'deliver',
  delivered: 'hand-over',
};

export type ChainTarget = 'dispatched' | 'delivered' | 'in-use';

/** The commands that bring a card to `target`; none when it is already there or past it. */
export function catchUpTo(from: CardState, target: ChainTarget): CardCommand[] {
  const commands: CardCommand[] = [];
  let state = from;
  while (CHAIN_RANK[state] < CHAIN_RANK[target]) {
    const next = NEXT_ON_CHAIN[state];
    if (!next) throw new InvalidTransitionError(state, target === 'dispatched' ? 'dispatch' : 'deliver');
    commands.push(next);
    state = transition(state, next).to;
  }
  return commands;
}
