// A next-gen card personalised by APDUs through pcscd (EC keys generated on the card, certificates from a
// throwaway CA), then used as a holder would: card authentication without PIN, the PIN blocked by three
// wrong entries, unblocked with the PUK, and signatures openssl verifies with the certificates read from
// the card. The card is ejected and inserted again in between: PIN state survives removal.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ALWAYS,
  CardSession,
  CardStatusError,
  CERTIFICATE_PRESENCE,
  JPKI_FID,
  SW,
  TOKEN_LABEL,
  tokenInfo,
} from '@mnc/card-profiles';
import { CardChannel, PcscStation, VpcdConnection } from '@mnc/pcsc';
import { VirtualCard } from '@mnc/virtual-card';
import { nextSerial } from './conformance/card-fixtures';
import { createTestCa } from './testing/test-certificates';
import { acquireVpcdSlot, VpcdSlot } from './testing/vpcd-slot';

const run = promisify(execFile);
const PIN = '2580';
const SIGNATURE_PASSWORD = 'NEXTGEN24';
const PUK = '31415926';

describe('next-gen card through pcscd: card authentication, PIN blocked and unblocked with the PUK', () => {
  let slot: VpcdSlot;
  let vpcd: VpcdConnection;
  let station: PcscStation;
  let channel: CardChannel | undefined;
  let card: VirtualCard;
  let workDir: string;

  async function session(): Promise<CardSession> {
    await channel?.close();
    channel = await station.waitForCard(5000);
    const opened = channel;
    return new CardSession((apdu) => opened.transmit(apdu));
  }

  /** openssl's verdict on a DER signature over `message` with the public key of a DER certificate. */
  async function opensslVerifies(
    certificate: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean> {
    const files = { cert: 'cert.der', pub: 'pub.pem', data: 'data.bin', sig: 'sig.der' };
    const at = (name: string) => path.join(workDir, name);
    fs.writeFileSync(at(files.cert), certificate);
    fs.writeFileSync(at(files.data), message);
    fs.writeFileSync(at(files.sig), signature);
    await run('openssl', [
      'x509',
      '-inform',
      'DER',
      '-in',
      at(files.cert),
      '-pubkey',
      '-noout',
      '-out',
      at(files.pub),
    ]);
    try {
      const { stdout } = await run('openssl', [
        'dgst',
        '-sha256',
        '-verify',
        at(files.pub),
        '-signature',
        at(files.sig),
        at(files.data),
      ]);
      return stdout.trim() === 'Verified OK';
    } catch {
      return false;
    }
  }

  beforeAll(async () => {
    slot = await acquireVpcdSlot();
    vpcd = new VpcdConnection({ port: slot.port });
    station = new PcscStation({ readerName: slot.reader });
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'next-gen-puk-'));
    card = VirtualCard.blank('next-gen', nextSerial());
    await vpcd.insert(card, 5000);
    const personalisation = await session();
    const ca = await createTestCa('MNC test next-gen CA');
    await personalisation.selectApplication('jpki');
    await personalisation.writeFile(JPKI_FID.TOKEN_INFO, tokenInfo(TOKEN_LABEL['next-gen']), ALWAYS);
    await personalisation.writeFile(JPKI_FID.CERTIFICATE_PRESENCE, CERTIFICATE_PRESENCE, ALWAYS);
    const authKey = await personalisation.generateKeyPair(JPKI_FID.AUTHENTICATION_KEY);
    const cardAuthKey = await personalisation.generateKeyPair(JPKI_FID.CARD_AUTHENTICATION_KEY);
    // Proof of possession before any PIN exists: the new key signs a challenge the host chose.
    const challenge = randomBytes(32);
    const proof = await personalisation.sign(
      JPKI_FID.AUTHENTICATION_KEY,
      new Uint8Array(createHash('sha256').update(challenge).digest()),
    );
    const authCertificate = await ca.issue('user authentication', authKey);
    expect(await opensslVerifies(authCertificate, challenge, proof)).toBe(true);
    await personalisation.writeFile(JPKI_FID.AUTHENTICATION_CERTIFICATE, authCertificate, ALWAYS);
    await personalisation.writeFile(
      JPKI_FID.CARD_AUTHENTICATION_CERTIFICATE,
      await ca.issue('card', cardAuthKey),
      ALWAYS,
    );
    await personalisation.writeFile(JPKI_FID.AUTHENTICATION_CA_CERTIFICATE, ca.certificate, ALWAYS);
    await personalisation.changeReferenceData(JPKI_FID.AUTHENTICATION_PIN, PIN);
    await personalisation.changeReferenceData(JPKI_FID.SIGNATURE_PASSWORD, SIGNATURE_PASSWORD);
    await personalisation.changeReferenceData(JPKI_FID.PUK, PUK);
    await personalisation.closePersonalisation();
  }, 180_000);

  afterAll(async () => {
    await channel?.close();
    await station?.close();
    await vpcd?.eject();
    slot?.release();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('authenticates the card without PIN: the challenge signature verifies with the certificate on the card', async () => {
    const reader = await session();
    await reader.selectApplication('jpki');
    const certificate = await reader.readFile(JPKI_FID.CARD_AUTHENTICATION_CERTIFICATE);
    const challenge = randomBytes(32);
    const signature = await reader.internalAuthenticate(JPKI_FID.CARD_AUTHENTICATION_KEY, challenge);
    expect(await opensslVerifies(certificate, challenge, signature)).toBe(true);
    expect(await opensslVerifies(certificate, randomBytes(32), signature)).toBe(false);
  });

  it('blocks the PIN after three wrong entries, also after the card was taken out and put back', async () => {
    const reader = await session();
    await reader.selectApplication('jpki');
    expect(await reader.verify(JPKI_FID.AUTHENTICATION_PIN, '0000')).toEqual({
      verified: false,
      triesLeft: 2,
    });
    expect(await reader.verify(JPKI_FID.AUTHENTICATION_PIN, '1111')).toEqual({
      verified: false,
      triesLeft: 1,
    });
    await channel?.close();
    channel = undefined;
    await vpcd.eject();
    await new Promise((resolve) => setTimeout(resolve, 600));
    await vpcd.insert(card, 5000);

    const again = await session();
    await again.selectApplication('jpki');
    expect(await again.triesLeft(JPKI_FID.AUTHENTICATION_PIN)).toBe(1);
    expect(await again.verify(JPKI_FID.AUTHENTICATION_PIN, '2222')).toEqual({
      verified: false,
      triesLeft: 0,
    });
    expect(await again.verify(JPKI_FID.AUTHENTICATION_PIN, PIN)).toEqual({ verified: false, triesLeft: 0 });
    await expect(again.sign(JPKI_FID.AUTHENTICATION_KEY, new Uint8Array(32))).rejects.toMatchObject({
      sw: SW.SECURITY_STATUS_NOT_SATISFIED,
    });
  });

  it('unblocks it with the PUK and a new PIN; the user-authentication key then signs', async () => {
    const reader = await session();
    await reader.selectApplication('jpki');
    expect(await reader.resetRetryCounter(JPKI_FID.AUTHENTICATION_PIN, '00000000', '4680')).toEqual({
      verified: false,
      triesLeft: 9,
    });
    expect(await reader.resetRetryCounter(JPKI_FID.AUTHENTICATION_PIN, PUK, '4680')).toEqual({
      verified: true,
    });
    expect(await reader.triesLeft(JPKI_FID.PUK)).toBe(10);
    expect(await reader.verify(JPKI_FID.AUTHENTICATION_PIN, '4680')).toEqual({ verified: true });
    const message = randomBytes(80);
    const signature = await reader.sign(
      JPKI_FID.AUTHENTICATION_KEY,
      new Uint8Array(createHash('sha256').update(message).digest()),
    );
    const certificate = await reader.readFile(JPKI_FID.AUTHENTICATION_CERTIFICATE);
    expect(await opensslVerifies(certificate, message, signature)).toBe(true);
  });

  it('keeps the PUK out of VERIFY', async () => {
    const reader = await session();
    await reader.selectApplication('jpki');
    await expect(reader.verify(JPKI_FID.PUK, PUK)).rejects.toBeInstanceOf(CardStatusError);
  });
});
