import { SW, TAG_CARD_SERIAL, wrongLe } from '@mnc/card-profiles';
import { CommandHandler, refuse, success } from '../card-runtime';

/** GET DATA answers at card level: no AP needs to be selected, and in any life-cycle state. */
export const getData: CommandHandler = (command, card) => {
  if (command.data.length > 0 || command.ne === 0) refuse(SW.WRONG_LENGTH);
  if (((command.p1 << 8) | command.p2) !== TAG_CARD_SERIAL) refuse(SW.REFERENCED_DATA_NOT_FOUND);
  const serial = card.memory.serial;
  if (command.ne < serial.length) refuse(wrongLe(serial.length));
  return success(serial.slice());
};
