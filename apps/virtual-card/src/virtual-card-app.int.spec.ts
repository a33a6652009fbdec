// The virtual-card process's parts in-process, against the real pcscd: feed a card over HTTP, personalise it
// through PC/SC, and check that its state survives eject, insert and a restart of the process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CardSession, JPKI_FID } from '@mnc/card-profiles';
import { CardChannel, CardRemovedError, PcscStation } from '@mnc/pcsc';
import { CardCommand, fromHex, hex, parseResponseApdu, SW } from '@mnc/virtual-card';
import { acquireVpcdSlot, VpcdSlot } from './testing/vpcd-slot';
import { RunningVirtualCardApp, startVirtualCardApp } from './virtual-card-app';

async function call(app: RunningVirtualCardApp, method: string, route: string, body?: unknown) {
  const response = await fetch(`http://127.0.0.1:${app.httpPort}${route}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function expectOk(channel: CardChannel, apdu: Uint8Array): Promise<Uint8Array> {
  const response = parseResponseApdu(await channel.transmit(apdu));
  expect(response.sw.toString(16)).toBe(SW.SUCCESS.toString(16));
  return response.data;
}

describe('virtual-card app', () => {
  let stateDir: string;
  let app: RunningVirtualCardApp;
  let station: PcscStation;
  let slot: VpcdSlot;
  const start = () =>
    startVirtualCardApp(
      {
        stateDir,
        httpPort: 0,
        vpcdHost: '127.0.0.1',
        vpcdPort: slot.port,
        insertTimeoutMs: 3000,
        rsaKeyReserve: 2,
      },
      () => undefined,
    );

  // A free vpcd slot (empty reader), shared with the other pcscd tests of the repository.
  beforeAll(async () => {
    slot = await acquireVpcdSlot();
  }, 150_000);

  afterAll(() => slot?.release());

  beforeEach(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtual-cards-'));
    app = await start();
    station = new PcscStation({ readerName: slot.reader });
  });

  afterEach(async () => {
    await station.close();
    await app.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
    await new Promise((resolve) => setTimeout(resolve, 500)); // let pcscd notice the removal
  });

  it('feeds a blank card that PC/SC sees, with the serial the API returned', async () => {
    const created = await call(app, 'POST', '/cards/blank', { profile: 'next-gen' });
    expect(created.status).toBe(201);
    expect(created.body['present']).toBe(true);
    const channel = await station.waitForCard(5000);
    expect(hex(await expectOk(channel, CardCommand.getSerial()))).toBe(created.body['serial']);
    expect(hex(channel.atr)).toBe('3BE500FF8131FE45807394014037');
  });

  it('summarises files and life-cycle state without contents, and saves them to the state directory', async () => {
    const { body } = await call(app, 'POST', '/cards/blank', {});
    const serial = String(body['serial']);
    const channel = await station.waitForCard(5000);
    await expectOk(channel, CardCommand.selectApplication('jpki'));
    await expectOk(
      channel,
      CardCommand.createFile({ fid: 0x0006, size: 160, readAccess: { kind: 'always' } }),
    );
    await expectOk(channel, CardCommand.updateBinary(0, new TextEncoder().encode('JPKIAPICCTOKEN2')));
    await expectOk(channel, CardCommand.closePersonalisation());

    const summary = await call(app, 'GET', `/cards/${serial}`);
    expect(summary.body).toMatchObject({
      serial,
      profile: 'legacy-rsa2048',
      lifeCycle: 'operational',
      inserted: true,
    });
    const jpki = (summary.body['applications'] as { name: string; files: unknown[] }[]).find(
      (ap) => ap.name === 'jpki',
    );
    expect(jpki?.files).toEqual([{ fid: '0006', size: 160, readAccess: { kind: 'always' } }]);
    expect(JSON.stringify(summary.body)).not.toContain('content');

    const saved = JSON.parse(fs.readFileSync(path.join(stateDir, `${serial}.json`), 'utf8')) as {
      lifeCycle: string;
    };
    expect(saved.lifeCycle).toBe('operational');
  });

  it('ejects the card: the open channel fails with CardRemovedError', async () => {
    const { body } = await call(app, 'POST', '/cards/blank');
    const channel = await station.waitForCard(5000);
    expect((await call(app, 'POST', '/eject')).body).toEqual({ ejected: body['serial'] });
    await expect(channel.transmit(CardCommand.getSerial())).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('inserts a card again after the process restarted, with its files intact', async () => {
    const { body } = await call(app, 'POST', '/cards/blank');
    const serial = String(body['serial']);
    let channel = await station.waitForCard(5000);
    await expectOk(channel, CardCommand.selectApplication('text'));
    await expectOk(
      channel,
      CardCommand.createFile({ fid: 0x0001, size: 17, readAccess: { kind: 'always' } }),
    );
    await expectOk(channel, CardCommand.updateBinary(0, fromHex('FF100C313233343536373839303132FFFF')));
    await channel.close();
    await app.stop();

    app = await start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await call(app, 'POST', `/cards/${serial.toLowerCase()}/insert`)).toEqual({
      status: 200,
      body: { serial, present: true },
    });
    channel = await station.waitForCard(5000);
    await expectOk(channel, CardCommand.selectApplication('text'));
    await expectOk(channel, CardCommand.selectFile(0x0001));
    expect(hex(await expectOk(channel, CardCommand.readBinary(0, 17)))).toBe(
      'FF100C313233343536373839303132FFFF',
    );
  });

  it('keeps PIN tries and on-card keys in the state directory across a restart of the process', async () => {
    const { body } = await call(app, 'POST', '/cards/blank', { profile: 'next-gen' });
    const serial = String(body['serial']);
    let channel = await station.waitForCard(5000);
    let session = new CardSession((apdu) => channel.transmit(apdu));
    await session.selectApplication('jpki');
    const generated = await session.generateKeyPair(JPKI_FID.CARD_AUTHENTICATION_KEY);
    await session.changeReferenceData(JPKI_FID.AUTHENTICATION_PIN, '1357');
    await session.closePersonalisation();
    await session.selectApplication('jpki');
    expect(await session.verify(JPKI_FID.AUTHENTICATION_PIN, '0000')).toEqual({
      verified: false,
      triesLeft: 2,
    });
    await channel.close();
    await app.stop();

    app = await start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await call(app, 'POST', `/cards/${serial}/insert`);
    channel = await station.waitForCard(5000);
    session = new CardSession((apdu) => channel.transmit(apdu));
    await session.selectApplication('jpki');
    expect(await session.triesLeft(JPKI_FID.AUTHENTICATION_PIN)).toBe(2);
    expect(await session.publicKey(JPKI_FID.CARD_AUTHENTICATION_KEY)).toEqual(generated);
    const summary = await call(app, 'GET', `/cards/${serial}`);
    const jpki = (summary.body['applications'] as { name: string; pins: unknown[]; keys: unknown[] }[]).find(
      (ap) => ap.name === 'jpki',
    );
    expect(jpki?.pins).toContainEqual({ fid: '0018', set: true, triesLeft: 2 });
    expect(jpki?.keys).toContainEqual({ fid: '001C', algorithm: 'ec-p256', generated: true });
    expect(JSON.stringify(summary.body)).not.toMatch(/1357|privateKey/);
  });

  it('answers 404 for a serial it has no state for', async () => {
    expect(await call(app, 'POST', '/cards/00000000000000FF/insert')).toMatchObject({
      status: 404,
      body: { error: 'card-not-found' },
    });
  });

  it('answers 400 for a malformed serial', async () => {
    expect((await call(app, 'GET', '/cards/..%2Fetc')).status).toBe(400);
  });

  it('answers 400 for an unknown profile', async () => {
    expect(await call(app, 'POST', '/cards/blank', { profile: 'legacy-ecdsa' })).toMatchObject({
      status: 400,
      body: { error: 'unknown-profile' },
    });
  });

  it('answers 405 for the wrong method', async () => {
    expect((await call(app, 'GET', '/eject')).status).toBe(405);
  });
});
