// VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER on the PIN objects of the selected AP.
import { timingSafeEqual } from 'node:crypto';
import { isWellFormedPin, RESET_P1, SW, triesLeft } from '@mnc/card-profiles';
import { CardRuntime, CommandHandler, refuse, referencedPin, success } from '../card-runtime';
import { PinObject } from '../card-objects';

function matches(pin: PinObject, candidate: Uint8Array): boolean {
  const value = pin.value;
  return value !== undefined && value.length === candidate.length && timingSafeEqual(value, candidate);
}

/** Counts one failed presentation; answers 63Cx with the tries left (63C0 when this one blocked it). */
function countFailure(pin: PinObject, card: CardRuntime): never {
  pin.triesLeft = Math.max(0, pin.triesLeft - 1);
  card.persistentStateChanged();
  return refuse(triesLeft(pin.triesLeft));
}

function countSuccess(pin: PinObject, card: CardRuntime): void {
  if (pin.triesLeft !== pin.definition.maxTries) {
    pin.triesLeft = pin.definition.maxTries;
    card.persistentStateChanged();
  }
}

/**
 * VERIFY 00 20 00 P2 [Lc value]. Without data it answers 63Cx in every state (OpenSC's JPKI driver
 * fails the whole card on anything else). A wrong value of any length counts as a try.
 */
export const verify: CommandHandler = (command, card) => {
  if (command.p1 !== 0) refuse(SW.INCORRECT_P1_P2);
  if (command.ne !== 0) refuse(SW.WRONG_LENGTH);
  const { application, pin } = referencedPin(command.p2, card);
  if (command.data.length === 0) return refuse(triesLeft(pin.triesLeft));
  if (pin.definition.role === 'puk') refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
  if (pin.value === undefined || pin.blocked) refuse(SW.REFERENCE_DATA_NOT_USABLE);
  const alsoSatisfies = pin.definition.alsoSatisfies ?? [];
  if (!matches(pin, command.data)) {
    application.security.failed(pin.fid, alsoSatisfies);
    return countFailure(pin, card);
  }
  countSuccess(pin, card);
  application.security.verified(pin.fid, alsoSatisfies);
  return success();
};

/**
 * CHANGE REFERENCE DATA 00 24 01 P2 Lc new-value: during personalisation it sets the initial value (tries
 * reset to the maximum); once operational the PIN must have been verified itself in this session.
 */
export const changeReferenceData: CommandHandler = (command, card) => {
  if (command.p1 !== 0x01) refuse(SW.INCORRECT_P1_P2);
  if (command.data.length === 0 || command.ne !== 0) refuse(SW.WRONG_LENGTH);
  const { application, pin } = referencedPin(command.p2, card);
  const personalising = card.memory.lifeCycle === 'personalisation';
  if (!personalising) {
    if (pin.definition.role === 'puk') refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
    if (!application.security.isVerifiedDirectly(pin.fid)) refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
  }
  if (!isWellFormedPin(pin.definition, command.data)) refuse(SW.INCORRECT_DATA);
  pin.value = command.data.slice();
  pin.triesLeft = pin.definition.maxTries;
  card.persistentStateChanged();
  return success();
};

/**
 * RESET RETRY COUNTER 00 2C P1 P2 Lc PUK [new value] (next-gen): the PUK named by the PIN's profile entry
 * unblocks it. P1 00: PUK followed by a new value; P1 01: PUK only. A wrong PUK costs a PUK try.
 */
export const resetRetryCounter: CommandHandler = (command, card) => {
  if (command.p1 !== RESET_P1.PUK_AND_NEW_VALUE && command.p1 !== RESET_P1.PUK_ONLY)
    refuse(SW.INCORRECT_P1_P2);
  if (command.ne !== 0 || command.data.length === 0) refuse(SW.WRONG_LENGTH);
  const { application, pin } = referencedPin(command.p2, card);
  const pukFid = pin.definition.resetBy;
  const puk = pukFid === undefined ? undefined : application.memory.pins.get(pukFid);
  if (puk === undefined) return refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
  const pukLength = puk.definition.maxLength;
  const withNewValue = command.p1 === RESET_P1.PUK_AND_NEW_VALUE;
  if (withNewValue ? command.data.length <= pukLength : command.data.length !== pukLength)
    refuse(SW.WRONG_LENGTH);
  const newValue = withNewValue ? command.data.slice(pukLength) : undefined;
  if (newValue !== undefined && !isWellFormedPin(pin.definition, newValue)) refuse(SW.INCORRECT_DATA);
  if (puk.value === undefined || puk.blocked) refuse(SW.REFERENCE_DATA_NOT_USABLE);
  if (newValue === undefined && pin.value === undefined) refuse(SW.REFERENCE_DATA_NOT_USABLE);
  if (!matches(puk, command.data.subarray(0, pukLength))) return countFailure(puk, card);
  puk.triesLeft = puk.definition.maxTries;
  if (newValue !== undefined) pin.value = newValue;
  pin.triesLeft = pin.definition.maxTries;
  card.persistentStateChanged();
  return success();
};
