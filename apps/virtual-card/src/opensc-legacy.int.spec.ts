// Independent readers of today's card against a legacy-rsa2048 virtual card personalised by APDUs in the
// test (keys generated on the card, certificates from a throwaway CA): OpenSC's JPKI driver lists the
// certificates, pkcs11-tool signs after the PIN, openssl verifies the signature with the certificate read
// from the card, and three wrong PINs block it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  afterPin,
  ALWAYS,
  CardSession,
  CERTIFICATE_PRESENCE,
  JPKI_FID,
  TOKEN_LABEL,
  tokenInfo,
} from '@mnc/card-profiles';
import { PcscStation, VpcdConnection } from '@mnc/pcsc';
import { VirtualCard } from '@mnc/virtual-card';
import { nextSerial } from './conformance/card-fixtures';
import { createTestCa } from './testing/test-certificates';
import { acquireVpcdSlot, VpcdSlot } from './testing/vpcd-slot';

const run = promisify(execFile);
const PKCS11_MODULE = ['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/opensc-pkcs11.so'].find(
  (file) => fs.existsSync(file),
);
const PIN = '1234';
const SIGNATURE_PASSWORD = 'TESTPASS1';

async function tool(
  command: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 30_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failure.stdout ?? '', stderr: failure.stderr ?? '', code: failure.code ?? -1 };
  }
}

/** OpenSC numbers readers in pcscd's order; find ours by name. */
async function readerIndex(reader: string): Promise<string> {
  const { stdout } = await tool('opensc-tool', ['--list-readers']);
  const line = stdout.split('\n').find((entry) => entry.includes(reader));
  const index = line?.trim().split(/\s+/)[0];
  if (index === undefined || !/^\d+$/.test(index))
    throw new Error(`OpenSC does not list ${reader}:\n${stdout}`);
  return index;
}

describe('legacy-rsa2048 card read by OpenSC through pcscd', () => {
  let slot: VpcdSlot;
  let vpcd: VpcdConnection;
  let card: VirtualCard;
  let workDir: string;
  let reader: string;

  beforeAll(async () => {
    slot = await acquireVpcdSlot();
    vpcd = new VpcdConnection({ port: slot.port });
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opensc-legacy-'));
    card = VirtualCard.blank('legacy-rsa2048', nextSerial());
    await vpcd.insert(card, 5000);
    const station = new PcscStation({ readerName: slot.reader });
    const channel = await station.waitForCard(5000);
    try {
      const session = new CardSession((apdu) => channel.transmit(apdu));
      const ca = await createTestCa('MNC test JPKI CA');
      await session.selectApplication('jpki');
      await session.writeFile(JPKI_FID.TOKEN_INFO, tokenInfo(TOKEN_LABEL['legacy-rsa2048']), ALWAYS);
      await session.writeFile(JPKI_FID.CERTIFICATE_PRESENCE, CERTIFICATE_PRESENCE, ALWAYS);
      const authKey = await session.generateKeyPair(JPKI_FID.AUTHENTICATION_KEY);
      const signKey = await session.generateKeyPair(JPKI_FID.SIGNATURE_KEY);
      await session.writeFile(
        JPKI_FID.AUTHENTICATION_CERTIFICATE,
        await ca.issue('user authentication', authKey),
        ALWAYS,
      );
      await session.writeFile(JPKI_FID.AUTHENTICATION_CA_CERTIFICATE, ca.certificate, ALWAYS);
      await session.writeFile(
        JPKI_FID.SIGNATURE_CERTIFICATE,
        await ca.issue('signature', signKey),
        afterPin(JPKI_FID.SIGNATURE_PASSWORD),
      );
      await session.writeFile(JPKI_FID.SIGNATURE_CA_CERTIFICATE, ca.certificate, ALWAYS);
      await session.changeReferenceData(JPKI_FID.AUTHENTICATION_PIN, PIN);
      await session.changeReferenceData(JPKI_FID.SIGNATURE_PASSWORD, SIGNATURE_PASSWORD);
      await session.closePersonalisation();
    } finally {
      await channel.close();
      await station.close();
    }
    reader = await readerIndex(slot.reader);
  }, 180_000);

  afterAll(async () => {
    await vpcd?.eject();
    slot?.release();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const pkcs11 = (...args: string[]) =>
    tool('pkcs11-tool', [
      '--module',
      PKCS11_MODULE!,
      '--token-label',
      'JPKI (User Authentication PIN)',
      ...args,
    ]);
  const authPin = () =>
    card
      .summary()
      .applications.find((ap) => ap.name === 'jpki')
      ?.pins.find((pin) => pin.fid === '0018');

  it('pkcs15-tool lists the four JPKI certificates from their EFs', async () => {
    const { stdout, code } = await tool('pkcs15-tool', ['--reader', reader, '--list-certificates']);
    expect(code).toBe(0);
    const paths = [...stdout.matchAll(/Path\s*:\s*([0-9a-f]+)/g)].map((match) => match[1]);
    expect(paths).toEqual(['000a', '0001', '000b', '0002']);
    expect(stdout).toContain('User Authentication Certificate');
    expect(stdout).toContain('Digital Signature Certificate');
  });

  it("pkcs11-tool signs with the user-authentication key after the PIN, and openssl verifies it with the card's certificate", async () => {
    const data = path.join(workDir, 'data.bin');
    const signature = path.join(workDir, 'signature.bin');
    const certificate = path.join(workDir, 'auth.pem');
    const publicKey = path.join(workDir, 'auth-public.pem');
    fs.writeFileSync(data, `document to sign ${Date.now()}`);
    const signed = await pkcs11(
      '--login',
      '--pin',
      PIN,
      '--sign',
      '-m',
      'SHA256-RSA-PKCS',
      '--id',
      '01',
      '-i',
      data,
      '-o',
      signature,
    );
    expect({ code: signed.code, stderr: signed.stderr }).toMatchObject({ code: 0 });
    expect(fs.statSync(signature).size).toBe(256);

    const read = await tool('pkcs15-tool', ['--reader', reader, '--read-certificate', '01']);
    expect(read.code).toBe(0);
    fs.writeFileSync(certificate, read.stdout);
    expect(
      (await tool('openssl', ['x509', '-in', certificate, '-pubkey', '-noout', '-out', publicKey])).code,
    ).toBe(0);
    const verified = await tool('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      publicKey,
      '-signature',
      signature,
      data,
    ]);
    expect(verified.stdout.trim()).toBe('Verified OK');

    fs.appendFileSync(data, 'tampered');
    const tampered = await tool('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      publicKey,
      '-signature',
      signature,
      data,
    ]);
    expect(tampered.stdout.trim()).not.toBe('Verified OK');
    expect(authPin()?.triesLeft).toBe(3);
  });

  it('blocks the PIN after three wrong ones: then the right PIN no longer signs', async () => {
    const data = path.join(workDir, 'blocked.bin');
    fs.writeFileSync(data, 'never signed');
    const left: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await pkcs11(
        '--login',
        '--pin',
        '9999',
        '--sign',
        '-m',
        'SHA256-RSA-PKCS',
        '--id',
        '01',
        '-i',
        data,
      );
      expect(wrong.code).not.toBe(0);
      left.push(authPin()?.triesLeft ?? -1);
    }
    expect(left).toEqual([2, 1, 0]);
    const right = await pkcs11(
      '--login',
      '--pin',
      PIN,
      '--sign',
      '-m',
      'SHA256-RSA-PKCS',
      '--id',
      '01',
      '-i',
      data,
    );
    expect(right.code).not.toBe(0);
    // The card answers 6984 (blocked) as today's card does; OpenSC reports it as a failed C_Login.
    expect(right.stderr).toContain('C_Login failed');
    expect(authPin()?.triesLeft).toBe(0);
    // OpenSC learns it from the empty VERIFY (63C0) and shows the token locked.
    const listed = await tool('pkcs11-tool', ['--module', PKCS11_MODULE!, '-L']);
    const authToken = listed.stdout
      .split(/^Slot /m)
      .find((entry) => entry.includes('JPKI (User Authentication PIN)'));
    expect(authToken).toContain('user PIN locked');
  });
});
