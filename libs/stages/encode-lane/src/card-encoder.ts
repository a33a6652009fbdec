import { ALWAYS, CardCommand } from '@mnc/virtual-card';
import type { CardChannel, EncoderStation } from '@mnc/pcsc';
import type { CardFile } from './personalisation-script';

/** Puts a blank card into the station's reader and takes it out again: a printer's card path, or a test hopper. */
export interface CardFeeder {
  feedBlank(profile: 'legacy-rsa2048' | 'next-gen'): Promise<string>;
  eject(): Promise<void>;
}

export class CardCommandError extends Error {
  override readonly name = 'CardCommandError';
  constructor(
    readonly step: string,
    readonly statusWord: string,
  ) {
    super(`${step} answered ${statusWord}`);
  }
}

/** Read-back found something other than what was written: the card is spoiled. */
export class QualityCheckError extends Error {
  override readonly name = 'QualityCheckError';
}

const WRITE_CHUNK = 240;
const READ_CHUNK = 256;

function statusWord(response: Uint8Array): string {
  return Buffer.from(response.subarray(response.length - 2))
    .toString('hex')
    .toUpperCase();
}

async function send(channel: CardChannel, step: string, apdu: Uint8Array): Promise<Buffer> {
  const response = await channel.transmit(apdu);
  const sw = statusWord(response);
  if (sw !== '9000') throw new CardCommandError(step, sw);
  return Buffer.from(response.subarray(0, response.length - 2));
}

async function readFile(channel: CardChannel, length: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < length; offset += READ_CHUNK) {
    parts.push(
      await send(
        channel,
        'READ BINARY',
        CardCommand.readBinary(offset, Math.min(READ_CHUNK, length - offset)),
      ),
    );
  }
  return Buffer.concat(parts);
}

/**
 * Encodes one card: checks it is the blank just fed (by serial), creates and writes each file, closes
 * personalisation, then reads every file back and compares (QA). Throws on any failure; the caller
 * records the attempt as spoiled.
 */
export async function encodeCard(
  station: EncoderStation,
  feeder: CardFeeder,
  profile: 'legacy-rsa2048' | 'next-gen',
  files: readonly CardFile[],
): Promise<{ chipSerial: string }> {
  try {
    // Inside the try: a feed that fails half-way may still have left a card in the path.
    const fedSerial = (await feeder.feedBlank(profile)).toUpperCase();
    const channel = await station.waitForCard(10_000);
    try {
      const chipSerial = (await send(channel, 'GET DATA serial', CardCommand.getSerial()))
        .toString('hex')
        .toUpperCase();
      if (chipSerial !== fedSerial)
        throw new QualityCheckError(`reader holds card ${chipSerial}, not the blank ${fedSerial}`);
      for (const file of files) {
        await send(channel, 'SELECT AP', CardCommand.selectApplication(file.application));
        await send(
          channel,
          'CREATE FILE',
          CardCommand.createFile({ fid: file.fid, size: file.content.length, readAccess: ALWAYS }),
        );
        for (let offset = 0; offset < file.content.length; offset += WRITE_CHUNK) {
          await send(
            channel,
            'UPDATE BINARY',
            CardCommand.updateBinary(offset, file.content.subarray(offset, offset + WRITE_CHUNK)),
          );
        }
      }
      await send(channel, 'CLOSE PERSONALISATION', CardCommand.closePersonalisation());
      for (const file of files) {
        await send(channel, 'SELECT AP', CardCommand.selectApplication(file.application));
        await send(channel, 'SELECT EF', CardCommand.selectFile(file.fid));
        const readBack = await readFile(channel, file.content.length);
        if (!readBack.equals(file.content)) {
          throw new QualityCheckError(
            `EF ${file.fid.toString(16).padStart(4, '0')} reads back different bytes`,
          );
        }
      }
      return { chipSerial };
    } finally {
      await channel.close();
    }
  } finally {
    await feeder.eject();
  }
}
