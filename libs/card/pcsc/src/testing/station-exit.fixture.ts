// Child process for the integration test "lets the process exit after close()": reads the serial of the
// card in the reader, closes the station, and must then exit on its own (no process.exit here).
import { parseResponseApdu, CardCommand, hex } from '@mnc/virtual-card';
import { PcscStation } from '../lib/pcsc-station';

async function main(readerName: string): Promise<void> {
  const station = new PcscStation({ readerName });
  const channel = await station.waitForCard(5000);
  const { data } = parseResponseApdu(await channel.transmit(CardCommand.getSerial()));
  await station.close();
  process.stdout.write(`${hex(data)}\n`);
}

void main(process.argv[2] ?? 'Virtual PCD 00 00').catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
