import {
  FileCreationParameters,
  InvalidFileCreationParametersError,
  parseFileCreationParameters,
  SW,
} from '@mnc/card-profiles';
import { CommandHandler, refuse, success } from '../card-runtime';
import { ElementaryFile, isUsableFid, MAX_EF_SIZE } from '../elementary-file';

/** CREATE FILE (00 E0 00 00, FCP in the data field): a new EF in the current AP, which becomes the current EF. */
export const createFile: CommandHandler = (command, card) => {
  if (command.p1 !== 0 || command.p2 !== 0) refuse(SW.INCORRECT_P1_P2);
  if (command.data.length === 0 || command.ne !== 0) refuse(SW.WRONG_LENGTH);
  if (card.memory.lifeCycle !== 'personalisation') refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
  const application = card.selected;
  // Files belong to an AP; there is nothing to create them in before one is selected.
  if (application === undefined) refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
  const { fid, size, readAccess } = parseOrRefuse(command.data);
  if (!isUsableFid(fid) || size === 0) refuse(SW.INCORRECT_DATA);
  if (size > MAX_EF_SIZE) refuse(SW.NOT_ENOUGH_MEMORY);
  const { files, pins, keys } = application.memory;
  if (files.has(fid) || pins.has(fid) || keys.has(fid)) refuse(SW.FILE_ALREADY_EXISTS);
  const file = ElementaryFile.create(fid, size, readAccess);
  files.set(fid, file);
  application.currentFid = fid;
  card.persistentStateChanged();
  return success();
};

function parseOrRefuse(data: Uint8Array): FileCreationParameters {
  try {
    return parseFileCreationParameters(data);
  } catch (error) {
    if (error instanceof InvalidFileCreationParametersError) refuse(SW.INCORRECT_DATA);
    throw error;
  }
}
