// READ BINARY and UPDATE BINARY share their addressing:
//   P1 bit 8 = 0: P1 bits 7-1 and P2 form a 15-bit offset into the current EF.
//   P1 bit 8 = 1: P1 bits 7-6 = 00, bits 5-1 = short EF identifier (1..30) of the current AP, P2 = offset;
//                 the EF becomes the current EF.
// PIN and key objects are internal EFs: neither command reaches them (6981).
import { CommandApdu, SW } from '@mnc/card-profiles';
import { CardRuntime, CommandHandler, refuse, SelectedApplication, success } from '../card-runtime';
import { ElementaryFile } from '../elementary-file';

interface BinaryTarget {
  readonly application: SelectedApplication;
  readonly file: ElementaryFile;
  readonly offset: number;
}

function resolveTarget(command: CommandApdu, card: CardRuntime): BinaryTarget {
  const { p1, p2 } = command;
  const application = card.selected;
  if ((p1 & 0x80) === 0) {
    const fid = application?.currentFid;
    if (application === undefined || fid === undefined) refuse(SW.COMMAND_NOT_ALLOWED_NO_CURRENT_EF);
    return { application, file: binaryFile(application, fid), offset: (p1 << 8) | p2 };
  }
  const sfi = p1 & 0x1f;
  if ((p1 & 0x60) !== 0 || sfi === 0 || sfi === 0x1f) refuse(SW.INCORRECT_P1_P2);
  if (application === undefined) refuse(SW.FILE_NOT_FOUND);
  const file = binaryFile(application, sfi);
  application.currentFid = sfi;
  return { application, file, offset: p2 };
}

function binaryFile(application: SelectedApplication, fid: number): ElementaryFile {
  const file = application.memory.files.get(fid);
  if (file !== undefined) return file;
  if (application.memory.pins.has(fid) || application.memory.keys.has(fid))
    refuse(SW.COMMAND_INCOMPATIBLE_WITH_FILE_STRUCTURE);
  return refuse(SW.FILE_NOT_FOUND);
}

export const readBinary: CommandHandler = (command, card) => {
  if (command.data.length > 0 || command.ne === 0) refuse(SW.WRONG_LENGTH);
  const { application, file, offset } = resolveTarget(command, card);
  if (!application.security.satisfies(file.readAccess)) refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
  if (offset >= file.size) refuse(SW.WRONG_PARAMETERS_OFFSET_OUTSIDE_EF);
  // Fewer bytes than Ne near the end of the file, with 9000: what JPKI readers expect when chunking.
  return success(file.content.slice(offset, offset + Math.min(command.ne, file.size - offset)));
};

export const updateBinary: CommandHandler = (command, card) => {
  if (command.data.length === 0 || command.ne !== 0) refuse(SW.WRONG_LENGTH);
  // Contents are fixed once the card is issued: the only update right is the personalisation state.
  if (card.memory.lifeCycle !== 'personalisation') refuse(SW.SECURITY_STATUS_NOT_SATISFIED);
  const { file, offset } = resolveTarget(command, card);
  if (offset >= file.size) refuse(SW.WRONG_PARAMETERS_OFFSET_OUTSIDE_EF);
  if (offset + command.data.length > file.size) refuse(SW.NOT_ENOUGH_MEMORY);
  file.content.set(command.data, offset);
  card.persistentStateChanged();
  return success();
};
