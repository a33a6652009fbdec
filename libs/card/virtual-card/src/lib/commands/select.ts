import { applicationByAid, CommandApdu, SW } from '@mnc/card-profiles';
import { CardRuntime, CommandHandler, refuse, success } from '../card-runtime';
import { SecurityState } from '../security-state';

const P1_BY_DF_NAME = 0x04;
const P1_EF_UNDER_CURRENT_DF = 0x02;
/** P2 0C asks for no response data; P2 00 asks for the FCI, which this card does not return (9000 only). */
const ACCEPTED_P2: ReadonlySet<number> = new Set([0x0c, 0x00]);

export const select: CommandHandler = (command, card) => {
  if (!ACCEPTED_P2.has(command.p2)) refuse(SW.INCORRECT_P1_P2);
  switch (command.p1) {
    case P1_BY_DF_NAME:
      return selectApplication(command, card);
    case P1_EF_UNDER_CURRENT_DF:
      return selectElementaryFile(command, card);
    default:
      return refuse(SW.INCORRECT_P1_P2);
  }
};

function selectApplication(command: CommandApdu, card: CardRuntime) {
  if (command.data.length === 0) refuse(SW.WRONG_LENGTH);
  const name = applicationByAid(command.data);
  const memory = name === undefined ? undefined : card.memory.applications.get(name);
  // A failed SELECT leaves the current AP as it was (ISO 7816-4).
  if (name === undefined || memory === undefined) refuse(SW.FILE_NOT_FOUND);
  // Every SELECT, even of the AP already current, starts with an empty security state.
  card.selected = { name, memory, security: new SecurityState() };
  return success();
}

/** Binary EFs, PIN objects and keys are all selectable: OpenSC selects 0018 before VERIFY, 0017 before SIGN. */
function selectElementaryFile(command: CommandApdu, card: CardRuntime) {
  if (command.data.length !== 2) refuse(SW.WRONG_LENGTH);
  const fid = (command.data[0] << 8) | command.data[1];
  const application = card.selected;
  const exists =
    application !== undefined &&
    (application.memory.files.has(fid) ||
      application.memory.pins.has(fid) ||
      application.memory.keys.has(fid));
  if (application === undefined || !exists) refuse(SW.FILE_NOT_FOUND);
  application.currentFid = fid;
  return success();
}
