import { CardCommand, fromHex, hex, parseResponseApdu, SW, VirtualCard } from '@mnc/virtual-card';
import {
  CardRemovedError,
  ChannelClosedError,
  NoCardError,
  ReaderUnavailableError,
  StationBusyError,
} from './errors';
import { InProcessStation } from './in-process-station';

const blank = (serial = '0000000000000001') => VirtualCard.blank('legacy-rsa2048', fromHex(serial));
const sw = (response: Uint8Array) => parseResponseApdu(response).sw;

describe('InProcessStation', () => {
  it('hands out a channel to the inserted card', async () => {
    const station = new InProcessStation();
    station.insert(blank());
    const channel = await station.waitForCard(100);
    expect(hex(parseResponseApdu(await channel.transmit(CardCommand.getSerial())).data)).toBe(
      '0000000000000001',
    );
  });

  it('exposes the card ATR on the channel', async () => {
    const station = new InProcessStation();
    station.insert(blank());
    expect(hex((await station.waitForCard(100)).atr)).toBe('3BE000FF8131FE4514');
  });

  it('waits for a card inserted later', async () => {
    const station = new InProcessStation();
    const waiting = station.waitForCard(1000);
    setTimeout(() => station.insert(blank()), 10);
    await expect(waiting).resolves.toBeDefined();
  });

  it('rejects with NoCardError when no card comes in time', async () => {
    await expect(new InProcessStation().waitForCard(20)).rejects.toBeInstanceOf(NoCardError);
  });

  it('rejects with StationBusyError while a channel is open', async () => {
    const station = new InProcessStation();
    station.insert(blank());
    await station.waitForCard(100);
    await expect(station.waitForCard(100)).rejects.toBeInstanceOf(StationBusyError);
  });

  it('fails the next transmit with CardRemovedError after an eject', async () => {
    const station = new InProcessStation();
    station.insert(blank());
    const channel = await station.waitForCard(100);
    station.eject();
    await expect(channel.transmit(CardCommand.getSerial())).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('keeps an old channel dead after the card is inserted again', async () => {
    const station = new InProcessStation();
    const card = blank();
    station.insert(card);
    const channel = await station.waitForCard(100);
    station.eject();
    station.insert(card);
    await expect(channel.transmit(CardCommand.getSerial())).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('keeps the card state across eject and insert', async () => {
    const station = new InProcessStation();
    const card = blank();
    station.insert(card);
    let channel = await station.waitForCard(100);
    await channel.transmit(CardCommand.selectApplication('jpki'));
    await channel.transmit(CardCommand.createFile({ fid: 0x0006, size: 2, readAccess: { kind: 'always' } }));
    await channel.transmit(CardCommand.updateBinary(0, fromHex('CAFE')));
    station.eject();
    station.insert(card);
    channel = await station.waitForCard(100);
    await channel.transmit(CardCommand.selectApplication('jpki'));
    await channel.transmit(CardCommand.selectFile(0x0006));
    expect(hex(await channel.transmit(CardCommand.readBinary(0, 2)))).toBe('CAFE9000');
  });

  it('resets the card when the channel closes', async () => {
    const station = new InProcessStation();
    station.insert(blank());
    const first = await station.waitForCard(100);
    await first.transmit(CardCommand.selectApplication('jpki'));
    await first.transmit(CardCommand.createFile({ fid: 0x0006, size: 2, readAccess: { kind: 'always' } }));
    await first.close();
    const second = await station.waitForCard(100);
    expect(sw(await second.transmit(CardCommand.readBinary(0, 2)))).toBe(
      SW.COMMAND_NOT_ALLOWED_NO_CURRENT_EF,
    );
  });

  it('rejects transmit after close with ChannelClosedError', async () => {
    const station = new InProcessStation();
    station.insert(blank());
    const channel = await station.waitForCard(100);
    await channel.close();
    await expect(channel.transmit(CardCommand.getSerial())).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it('handles 6Cxx transparently', async () => {
    const station = new InProcessStation();
    station.insert(blank());
    const channel = await station.waitForCard(100);
    expect(hex(await channel.transmit(CardCommand.getSerial(1)))).toBe('00000000000000019000');
  });

  it('wakes a waiter with ReaderUnavailableError when closed', async () => {
    const station = new InProcessStation();
    const waiting = station.waitForCard(5000);
    await station.close();
    await expect(waiting).rejects.toBeInstanceOf(ReaderUnavailableError);
  });
});

describe('InProcessStation waiting', () => {
  it('rejects a second concurrent waitForCard with StationBusyError', async () => {
    const station = new InProcessStation();
    const first = station.waitForCard(1000);
    await expect(station.waitForCard(1000)).rejects.toBeInstanceOf(StationBusyError);
    station.insert(VirtualCard.blank('next-gen', fromHex('0000000000000002')));
    await expect(first).resolves.toBeDefined();
  });
});
