// VpcdConnection against a stand-in for pcscd's vpcd listener on a loopback port: real TCP, so chunking,
// disconnects and reconnection behave as they do with pcscd, without needing pcscd.
import net from 'node:net';
import { CardCommand, fromHex, hex, VirtualCard } from '@mnc/virtual-card';
import { InsertInterruptedError, VpcdConnection, VpcdUnreachableError } from './vpcd-connection';
import { encodeVpcdFrame, VpcdControl, VpcdFrameDecoder } from './vpcd-protocol';

/** Plays vpcd's side: accepts the card's connection, sends messages, collects the replies. */
class FakeVpcd {
  readonly server = net.createServer();
  private readonly sockets = new Set<net.Socket>();
  private readonly connectionWaiters: ((socket: net.Socket) => void)[] = [];
  connections = 0;

  async listen(port = 0): Promise<number> {
    this.server.on('connection', (socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.connectionWaiters.shift()?.(socket);
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  nextConnection(): Promise<net.Socket> {
    return new Promise((resolve) => this.connectionWaiters.push(resolve));
  }

  /** Sends a message (optionally in pieces) and resolves with the card's reply. */
  exchange(socket: net.Socket, message: Uint8Array, pieces = 1): Promise<Uint8Array> {
    const decoder = new VpcdFrameDecoder();
    const reply = new Promise<Uint8Array>((resolve) => {
      const onData = (chunk: Buffer) => {
        const [first] = decoder.push(chunk);
        if (first === undefined) return;
        socket.off('data', onData);
        resolve(first);
      };
      socket.on('data', onData);
    });
    const frame = encodeVpcdFrame(message);
    const size = Math.ceil(frame.length / pieces);
    for (let offset = 0; offset < frame.length; offset += size)
      socket.write(frame.subarray(offset, offset + size));
    return reply;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const atrRequest = Uint8Array.of(VpcdControl.GET_ATR);
const blank = () => VirtualCard.blank('legacy-rsa2048', fromHex('00000000000000AA'));

describe('VpcdConnection', () => {
  let vpcd: FakeVpcd;
  let connection: VpcdConnection;
  let port: number;

  beforeEach(async () => {
    vpcd = new FakeVpcd();
    port = await vpcd.listen();
    connection = new VpcdConnection({ port, initialReconnectDelayMs: 20, maxReconnectDelayMs: 100 });
  });

  afterEach(async () => {
    await connection.eject();
    await vpcd.close();
  });

  it('answers the ATR request and counts as present from then on', async () => {
    const accepted = vpcd.nextConnection();
    const inserted = connection.insert(blank());
    const socket = await accepted;
    expect(hex(await vpcd.exchange(socket, atrRequest))).toBe('3BE000FF8131FE4514');
    await inserted;
    expect(connection.present).toBe(true);
  });

  it('answers an APDU that arrives one byte at a time', async () => {
    const accepted = vpcd.nextConnection();
    void connection.insert(blank());
    const socket = await accepted;
    expect(hex(await vpcd.exchange(socket, CardCommand.getSerial(), 30))).toBe('00000000000000AA9000');
  });

  it('sends no reply to power-on and still answers the next message', async () => {
    const accepted = vpcd.nextConnection();
    void connection.insert(blank());
    const socket = await accepted;
    socket.write(encodeVpcdFrame(Uint8Array.of(VpcdControl.POWER_ON)));
    expect(hex(await vpcd.exchange(socket, CardCommand.selectApplication('jpki')))).toBe('9000');
  });

  it('reconnects after vpcd drops the connection, as when pcscd restarts', async () => {
    const first = vpcd.nextConnection();
    void connection.insert(blank());
    (await first).destroy();
    const second = await vpcd.nextConnection();
    expect(hex(await vpcd.exchange(second, atrRequest))).toBe('3BE000FF8131FE4514');
  });

  it('closes the connection on eject and does not reconnect', async () => {
    const accepted = vpcd.nextConnection();
    void connection.insert(blank());
    const socket = await accepted;
    await vpcd.exchange(socket, atrRequest);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await connection.eject();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(vpcd.connections).toBe(1);
  });

  it('keeps the card state across eject and a new insert', async () => {
    const card = blank();
    let accepted = vpcd.nextConnection();
    void connection.insert(card);
    let socket = await accepted;
    await vpcd.exchange(socket, CardCommand.selectApplication('jpki'));
    await vpcd.exchange(socket, CardCommand.createFile({ fid: 6, size: 2, readAccess: { kind: 'always' } }));
    await vpcd.exchange(socket, CardCommand.updateBinary(0, fromHex('BEEF')));
    await connection.eject();
    accepted = vpcd.nextConnection();
    void connection.insert(card);
    socket = await accepted;
    await vpcd.exchange(socket, CardCommand.selectApplication('jpki'));
    await vpcd.exchange(socket, CardCommand.selectFile(6));
    expect(hex(await vpcd.exchange(socket, CardCommand.readBinary(0, 2)))).toBe('BEEF9000');
  });

  it('rejects insert with VpcdUnreachableError when nothing listens, and connects once something does', async () => {
    await vpcd.close();
    const inserting = connection.insert(blank(), 200);
    await expect(inserting).rejects.toBeInstanceOf(VpcdUnreachableError);
    vpcd = new FakeVpcd();
    const accepted = vpcd.nextConnection();
    await vpcd.listen(port);
    const socket = await accepted;
    expect(hex(await vpcd.exchange(socket, atrRequest))).toBe('3BE000FF8131FE4514');
  });

  it('rejects a pending insert with InsertInterruptedError on eject', async () => {
    const rejected = expect(connection.insert(blank(), 5000)).rejects.toBeInstanceOf(InsertInterruptedError);
    await connection.eject();
    await rejected;
  });
});
