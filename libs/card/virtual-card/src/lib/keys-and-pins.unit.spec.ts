import { createHash, randomBytes, verify } from 'node:crypto';
import {
  CardCommand,
  digestInfo,
  fromHex,
  JPKI_FID,
  parsePublicKey,
  parseResponseApdu,
  publicKeyObject,
  SW,
} from '@mnc/card-profiles';
import { ecdsaSignDigest, generateKeyMaterial } from './key-generation';
import { VirtualCard } from './virtual-card';

const SERIAL = fromHex('4D4E430000000077');

function send(card: VirtualCard, apdu: Uint8Array) {
  return parseResponseApdu(card.transmit(apdu));
}

function ok(card: VirtualCard, apdu: Uint8Array): Uint8Array {
  const { data, sw } = send(card, apdu);
  expect(sw.toString(16)).toBe('9000');
  return data;
}

describe('on-card ECDSA over a host-computed digest', () => {
  it.each([
    ['ec-p256', 'sha256'],
    ['ec-p384', 'sha384'],
  ] as const)('signs with %s so that node:crypto verifies every signature', (algorithm, hash) => {
    const material = generateKeyMaterial(algorithm);
    const key = publicKeyObject(material.publicKey);
    for (let i = 0; i < 25; i++) {
      const message = randomBytes(40);
      const digest = new Uint8Array(createHash(hash).update(message).digest());
      const signature = ecdsaSignDigest(algorithm, material, digest);
      expect(verify(hash, message, key, signature)).toBe(true);
      expect(verify(hash, randomBytes(40), key, signature)).toBe(false);
    }
  });

  it('never answers the same signature twice (fresh nonce per signature)', () => {
    const material = generateKeyMaterial('ec-p256');
    const digest = new Uint8Array(32).fill(9);
    expect(ecdsaSignDigest('ec-p256', material, digest)).not.toEqual(
      ecdsaSignDigest('ec-p256', material, digest),
    );
  });
});

describe('keys and PINs in the card state', () => {
  function personalisedLegacy(): VirtualCard {
    const card = VirtualCard.blank('legacy-rsa2048', SERIAL);
    ok(card, CardCommand.selectApplication('jpki'));
    ok(card, CardCommand.generateKeyPair(JPKI_FID.AUTHENTICATION_KEY));
    ok(card, CardCommand.changeReferenceData(JPKI_FID.AUTHENTICATION_PIN, '1234'));
    ok(card, CardCommand.closePersonalisation());
    return card;
  }

  it('keeps the key and the PIN tries through JSON: the restored card signs with the same key', () => {
    const card = personalisedLegacy();
    ok(card, CardCommand.selectApplication('jpki'));
    expect(send(card, CardCommand.verify(JPKI_FID.AUTHENTICATION_PIN, '0000')).sw).toBe(0x63c2);
    const restored = VirtualCard.fromState(JSON.parse(JSON.stringify(card)));
    ok(restored, CardCommand.selectApplication('jpki'));
    expect(send(restored, CardCommand.verify(JPKI_FID.AUTHENTICATION_PIN)).sw).toBe(0x63c2);
    ok(restored, CardCommand.verify(JPKI_FID.AUTHENTICATION_PIN, '1234'));
    const message = Buffer.from('restored');
    const signature = ok(
      restored,
      CardCommand.sign(
        JPKI_FID.AUTHENTICATION_KEY,
        digestInfo('sha256', createHash('sha256').update(message).digest()),
      ),
    );
    const publicKey = parsePublicKey(ok(card, CardCommand.getPublicKey(JPKI_FID.AUTHENTICATION_KEY)));
    expect(verify('sha256', message, publicKeyObject(publicKey), signature)).toBe(true);
  });

  it('shows neither PIN values nor keys in the summary', () => {
    const text = JSON.stringify(personalisedLegacy().summary());
    expect(text).not.toContain('31323334');
    expect(text).not.toContain('privateKey');
    expect(text).toContain('"generated":true');
  });

  it('loads a state file of format 1 (files only) with PINs and keys unset', () => {
    const state = {
      format: 'mnc.virtual-card/1',
      serial: '4D4E430000000077',
      profile: 'next-gen',
      lifeCycle: 'operational',
      applications: {},
    };
    const card = VirtualCard.fromState(state);
    ok(card, CardCommand.selectApplication('jpki'));
    expect(send(card, CardCommand.verify(JPKI_FID.AUTHENTICATION_PIN, '1234')).sw).toBe(
      SW.REFERENCE_DATA_NOT_USABLE,
    );
  });

  it('notifies the holder when a wrong PIN changes the tries, so the count survives a crash', () => {
    const card = personalisedLegacy();
    const listener = jest.fn();
    card.onChange(listener);
    ok(card, CardCommand.selectApplication('jpki'));
    send(card, CardCommand.verify(JPKI_FID.AUTHENTICATION_PIN, '0000'));
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('forgets verified PINs on reset', () => {
    const card = personalisedLegacy();
    ok(card, CardCommand.selectApplication('jpki'));
    ok(card, CardCommand.verify(JPKI_FID.AUTHENTICATION_PIN, '1234'));
    card.reset();
    ok(card, CardCommand.selectApplication('jpki'));
    expect(send(card, CardCommand.sign(JPKI_FID.AUTHENTICATION_KEY, new Uint8Array(51))).sw).toBe(
      SW.SECURITY_STATUS_NOT_SATISFIED,
    );
  });
});
