// Against the real pcscd with vsmartcard's vpcd driver: the virtual card plays into "Virtual PCD 00 00" over
// TCP and the station talks to it through PC/SC, as a lane talks to a hardware encoder.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CardCommand,
  fromHex,
  hex,
  parseResponseApdu,
  ResponseApdu,
  SW,
  VirtualCard,
} from '@mnc/virtual-card';
import { CardChannel } from './encoder-station';
import { CardRemovedError, NoCardError, StationBusyError } from './errors';
import { listPcscReaders } from './pcsc-readers';
import { PcscStation } from './pcsc-station';
import { VpcdConnection } from './vpcd-connection';
import { startTypeScriptChild } from '../testing/run-typescript-child';

const READER = 'Virtual PCD 00 00';
const TOKEN_INFO = 0x0006;
const run = promisify(execFile);

let serialCounter = 0;
function blankCard(): VirtualCard {
  return VirtualCard.blank(
    'legacy-rsa2048',
    fromHex(
      `F0${Date.now().toString(16).slice(-10).padStart(10, '0')}${(++serialCounter).toString(16).padStart(4, '0')}`,
    ),
  );
}

async function send(channel: CardChannel, apdu: Uint8Array): Promise<ResponseApdu> {
  return parseResponseApdu(await channel.transmit(apdu));
}

async function expectOk(channel: CardChannel, apdu: Uint8Array): Promise<Uint8Array> {
  const response = await send(channel, apdu);
  expect(response.sw.toString(16)).toBe(SW.SUCCESS.toString(16));
  return response.data;
}

describe('PcscStation with VpcdConnection through pcscd', () => {
  let vpcd: VpcdConnection;
  let station: PcscStation;

  beforeAll(async () => {
    const readers = await listPcscReaders({ expectPrefix: READER, timeoutMs: 3000 }).catch(
      (error: unknown) => {
        throw new Error(
          `pcscd is not reachable: start it (\`pcscd\`, Debian packages pcscd + vsmartcard-vpcd) before the integration tests. ${String(error)}`,
        );
      },
    );
    if (!readers.some((name) => name.startsWith(READER))) {
      throw new Error(
        `pcscd has no "${READER}" reader (found: ${readers.join(', ') || 'none'}); install vsmartcard-vpcd and restart pcscd`,
      );
    }
  });

  beforeEach(() => {
    vpcd = new VpcdConnection();
    station = new PcscStation({ readerName: READER, transmitTimeoutMs: 5000 });
  });

  afterEach(async () => {
    await station.close();
    await vpcd.eject();
    // pcscd polls vpcd every 400 ms; until it has, the next test's station would still see this card present.
    await new Promise((resolve) => setTimeout(resolve, 500));
  });

  it('sees the inserted card with the profile ATR', async () => {
    await vpcd.insert(blankCard());
    const channel = await station.waitForCard(5000);
    expect(hex(channel.atr)).toBe('3BE000FF8131FE4514');
  });

  it('reads back what was written: SELECT AP, CREATE FILE, UPDATE BINARY, READ BINARY', async () => {
    await vpcd.insert(blankCard());
    const channel = await station.waitForCard(5000);
    const content = Uint8Array.from({ length: 160 }, (_, i) => i);
    await expectOk(channel, CardCommand.selectApplication('jpki'));
    await expectOk(
      channel,
      CardCommand.createFile({ fid: TOKEN_INFO, size: content.length, readAccess: { kind: 'always' } }),
    );
    await expectOk(channel, CardCommand.updateBinary(0, content));
    expect(await expectOk(channel, CardCommand.readBinary(0, 256))).toEqual(content);
  });

  it('refuses a write after CLOSE PERSONALISATION with 6982', async () => {
    await vpcd.insert(blankCard());
    const channel = await station.waitForCard(5000);
    await expectOk(channel, CardCommand.selectApplication('jpki'));
    await expectOk(
      channel,
      CardCommand.createFile({ fid: TOKEN_INFO, size: 4, readAccess: { kind: 'always' } }),
    );
    await expectOk(channel, CardCommand.closePersonalisation());
    expect((await send(channel, CardCommand.updateBinary(0, fromHex('01')))).sw).toBe(
      SW.SECURITY_STATUS_NOT_SATISFIED,
    );
  });

  it('carries extended Lc and Le through pcscd', async () => {
    await vpcd.insert(blankCard());
    const channel = await station.waitForCard(5000);
    const content = Uint8Array.from({ length: 4000 }, (_, i) => (i * 31) & 0xff);
    await expectOk(channel, CardCommand.selectApplication('visual'));
    await expectOk(
      channel,
      CardCommand.createFile({ fid: 0x0002, size: content.length, readAccess: { kind: 'always' } }),
    );
    await expectOk(channel, CardCommand.updateBinary(0, content));
    expect(await expectOk(channel, CardCommand.readBinary(0, content.length))).toEqual(content);
  });

  it('answers a too-short Le transparently (6C08 is resent with Le 08)', async () => {
    const card = blankCard();
    await vpcd.insert(card);
    const channel = await station.waitForCard(5000);
    expect(hex(await expectOk(channel, CardCommand.getSerial(1)))).toBe(card.serial);
  });

  it('rejects the next transmit with CardRemovedError after an eject mid-session', async () => {
    await vpcd.insert(blankCard());
    const channel = await station.waitForCard(5000);
    await expectOk(channel, CardCommand.selectApplication('jpki'));
    await vpcd.eject();
    await expect(channel.transmit(CardCommand.selectApplication('jpki'))).rejects.toBeInstanceOf(
      CardRemovedError,
    );
  });

  it('rejects a transmit with CardRemovedError once pcscd has noticed the removal', async () => {
    await vpcd.insert(blankCard());
    const channel = await station.waitForCard(5000);
    await vpcd.eject();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expect(channel.transmit(CardCommand.getSerial())).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('keeps the card state when the same card is inserted again', async () => {
    const card = blankCard();
    await vpcd.insert(card);
    let channel = await station.waitForCard(5000);
    await expectOk(channel, CardCommand.selectApplication('text'));
    await expectOk(channel, CardCommand.createFile({ fid: 0x0001, size: 2, readAccess: { kind: 'always' } }));
    await expectOk(channel, CardCommand.updateBinary(0, fromHex('CAFE')));
    await vpcd.eject();
    await expect(channel.transmit(CardCommand.getSerial())).rejects.toBeInstanceOf(CardRemovedError);

    await vpcd.insert(card);
    channel = await station.waitForCard(5000);
    await expectOk(channel, CardCommand.selectApplication('text'));
    await expectOk(channel, CardCommand.selectFile(0x0001));
    expect(hex(await expectOk(channel, CardCommand.readBinary(0, 2)))).toBe('CAFE');
  });

  it('hands out one channel at a time', async () => {
    await vpcd.insert(blankCard());
    await station.waitForCard(5000);
    await expect(station.waitForCard(100)).rejects.toBeInstanceOf(StationBusyError);
  });

  it('rejects a second waitForCard while the first is still waiting', async () => {
    const first = station.waitForCard(3000);
    await expect(station.waitForCard(100)).rejects.toBeInstanceOf(StationBusyError);
    await vpcd.insert(blankCard());
    await expect(first).resolves.toBeDefined();
  });

  it('waits for a card inserted after waitForCard was called', async () => {
    const card = blankCard();
    const waiting = station.waitForCard(5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await vpcd.insert(card);
    const channel = await waiting;
    expect(hex(await expectOk(channel, CardCommand.getSerial()))).toBe(card.serial);
  });

  it('rejects with NoCardError when the reader stays empty', async () => {
    await expect(station.waitForCard(700)).rejects.toBeInstanceOf(NoCardError);
  });

  it('is seen by OpenSC with the legacy ATR', async () => {
    await vpcd.insert(blankCard());
    // OpenSC needs the card free: the station holds no channel in this test.
    const { stdout } = await run('opensc-tool', ['--reader', '0', '--atr'], { timeout: 10_000 });
    expect(stdout.replace(/[^0-9a-f]/gi, '').toUpperCase()).toContain('3BE000FF8131FE4514');
  });

  it('lets the process exit after close() (pcsclite threads and handles released)', async () => {
    const card = blankCard();
    await vpcd.insert(card);
    const child = startTypeScriptChild(
      path.join(__dirname, '../testing/station-exit.fixture.ts'),
      [READER],
      20_000,
    );
    const result = await child.exited;
    expect({ timedOut: result.timedOut, exitCode: result.exitCode, stderr: result.stderr }).toEqual({
      timedOut: false,
      exitCode: 0,
      stderr: '',
    });
    expect(result.stdout.trim()).toBe(card.serial);
  });
});
