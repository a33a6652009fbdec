// @mnc/card-profiles' personaliseCard against this card: what a lane will run, end to end in process.
import { createHash, verify } from 'node:crypto';
import {
  CardSession,
  CERTIFICATE_PRESENCE,
  fromHex,
  JPKI_FID,
  personaliseCard,
  PersonalisationPlan,
  PersonalisationPlanError,
  publicKeyObject,
  TEXT_FID,
} from '@mnc/card-profiles';
import { VirtualCard } from './virtual-card';

const certificateFor = (seed: number) =>
  new Uint8Array([0x30, 0x82, 0x00, 0x20, ...new Uint8Array(0x20).fill(seed)]);

function plan(overrides: Partial<PersonalisationPlan> = {}): PersonalisationPlan {
  return {
    profile: 'next-gen',
    files: {
      jpki: new Map([[JPKI_FID.CERTIFICATE_PRESENCE, CERTIFICATE_PRESENCE]]),
      text: new Map([[TEXT_FID.MY_NUMBER, fromHex('FF100C313233343536373839303132FFFF')]]),
    },
    pins: {
      jpki: new Map([
        [JPKI_FID.AUTHENTICATION_PIN, '1234'],
        [JPKI_FID.SIGNATURE_PASSWORD, 'PASSWORD1'],
        [JPKI_FID.PUK, '12345678'],
      ]),
      text: new Map([[TEXT_FID.PIN, '1234']]),
    },
    certify: async (key) => certificateFor(key.definition.fid),
    ...overrides,
  };
}

describe('personaliseCard on the virtual card', () => {
  it('generates every key, takes a proof of possession before any PIN, writes certificates and PINs, closes', async () => {
    const card = VirtualCard.blank('next-gen', fromHex('4D4E430000000101'));
    const session = new CardSession(async (apdu) => card.transmit(apdu));
    const proofs: boolean[] = [];
    const keys = await personaliseCard(
      session,
      plan({
        certify: async (key) => {
          const message = Buffer.from(`request for ${key.definition.label}`);
          const hash = key.definition.algorithm === 'ec-p384' ? 'sha384' : 'sha256';
          const signature =
            key.definition.sign !== undefined
              ? await key.sign(new Uint8Array(createHash(hash).update(message).digest()))
              : await key.internalAuthenticate(message);
          proofs.push(verify(hash, message, publicKeyObject(key.publicKey), signature));
          return certificateFor(key.definition.fid);
        },
      }),
    );
    expect([...keys.keys()]).toEqual([
      JPKI_FID.AUTHENTICATION_KEY,
      JPKI_FID.SIGNATURE_KEY,
      JPKI_FID.CARD_AUTHENTICATION_KEY,
    ]);
    expect(proofs).toEqual([true, true, true]);
    expect(card.lifeCycle).toBe('operational');

    await session.selectApplication('jpki');
    expect(await session.readFile(JPKI_FID.CARD_AUTHENTICATION_CERTIFICATE)).toEqual(certificateFor(0x1c));
    await expect(session.readFile(JPKI_FID.SIGNATURE_CERTIFICATE)).rejects.toMatchObject({ sw: 0x6982 });
    expect(await session.verify(JPKI_FID.SIGNATURE_PASSWORD, 'PASSWORD1')).toEqual({ verified: true });
    expect(await session.readFile(JPKI_FID.SIGNATURE_CERTIFICATE)).toEqual(certificateFor(0x1a));
    await session.selectApplication('text');
    await expect(session.readFile(TEXT_FID.MY_NUMBER)).rejects.toMatchObject({ sw: 0x6982 });
    await session.verify(TEXT_FID.PIN, '1234');
    expect(await session.readFile(TEXT_FID.MY_NUMBER, 17)).toEqual(
      fromHex('FF100C313233343536373839303132FFFF'),
    );
  });

  it('refuses a file the profile has no access rule for, unless the plan gives one', async () => {
    const card = VirtualCard.blank('legacy-rsa2048', fromHex('4D4E430000000102'));
    const session = new CardSession(async (apdu) => card.transmit(apdu));
    await expect(
      personaliseCard(
        session,
        plan({ profile: 'legacy-rsa2048', files: { common: new Map([[0x0030, fromHex('01')]]) }, pins: {} }),
      ),
    ).rejects.toBeInstanceOf(PersonalisationPlanError);
  });
});
