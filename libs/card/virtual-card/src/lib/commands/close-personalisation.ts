import { SW } from '@mnc/card-profiles';
import { CommandHandler, refuse, success } from '../card-runtime';

/** CLOSE PERSONALISATION (80 F0 00 00): the one-way step from blank to issued card. */
export const closePersonalisation: CommandHandler = (command, card) => {
  if (command.p1 !== 0 || command.p2 !== 0) refuse(SW.INCORRECT_P1_P2);
  if (command.data.length > 0 || command.ne !== 0) refuse(SW.WRONG_LENGTH);
  if (card.memory.lifeCycle !== 'personalisation') refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
  card.memory.lifeCycle = 'operational';
  card.persistentStateChanged();
  return success();
};
