import { createHash, verify } from 'node:crypto';
import {
  CardCommand,
  digestInfo,
  fromHex,
  JPKI_FID,
  parsePublicKey,
  parseResponseApdu,
  publicKeyObject,
} from '@mnc/card-profiles';
import { RsaKeyReserve } from './key-generation';
import { VirtualCard } from './virtual-card';

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RsaKeyReserve', () => {
  let reserve: RsaKeyReserve;
  afterEach(() => reserve?.close());

  it('fills itself in the background and hands each pair out once', async () => {
    reserve = new RsaKeyReserve(3);
    await until(() => reserve.available === 3);
    const moduli = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const material = reserve.generate('rsa-2048');
      if (material.publicKey.algorithm !== 'rsa-2048') throw new Error('not an RSA key');
      moduli.add(Buffer.from(material.publicKey.modulus).toString('hex'));
    }
    expect(moduli.size).toBe(3);
    // Taking refills: the reserve is back to full without anyone asking.
    await until(() => reserve.available === 3);
  });

  it('generates inline when empty, and EC keys always on demand', () => {
    reserve = new RsaKeyReserve(1);
    reserve.close(); // nothing ready, nothing coming
    expect(reserve.generate('rsa-2048').publicKey.algorithm).toBe('rsa-2048');
    expect(reserve.generate('ec-p256').publicKey.algorithm).toBe('ec-p256');
    expect(reserve.available).toBe(0);
  });

  it('gives a card a key it signs with, as GENERATE KEY would', async () => {
    reserve = new RsaKeyReserve(2);
    await until(() => reserve.available === 2);
    const card = VirtualCard.blank('legacy-rsa2048', fromHex('4D4E430000000078'), {
      generateKey: reserve.generate,
    });
    const send = (apdu: Uint8Array) => parseResponseApdu(card.transmit(apdu));
    expect(send(CardCommand.selectApplication('jpki')).sw).toBe(0x9000);
    const generated = send(CardCommand.generateKeyPair(JPKI_FID.AUTHENTICATION_KEY));
    expect(generated.sw).toBe(0x9000);
    expect(reserve.available).toBe(1);
    const digest = createHash('sha256').update('challenge').digest();
    const signed = send(CardCommand.sign(JPKI_FID.AUTHENTICATION_KEY, digestInfo('sha256', digest)));
    expect(signed.sw).toBe(0x9000);
    const key = publicKeyObject(parsePublicKey(generated.data));
    expect(verify('sha256', Buffer.from('challenge'), key, signed.data)).toBe(true);
  });

  it('refuses a size below one', () => {
    expect(() => new RsaKeyReserve(0)).toThrow(RangeError);
  });
});
