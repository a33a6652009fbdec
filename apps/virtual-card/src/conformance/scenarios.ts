// One scenario per row of the answers table of docs/apdu-spec.md, keyed "Command | Case". Each starts from
// a fixture card, brings it into the situation the row names, and returns the card's last answer; the
// runners compare its status word with the document's. Some also check the answer's data (signatures
// verify against the public key the card gave).
import { createHash, createVerify, randomBytes, verify as verifySignature } from 'node:crypto';
import {
  ALWAYS,
  CardCommand,
  CardProfile,
  digestInfo,
  encodeCommandApdu,
  fromHex,
  hex,
  JPKI_FID,
  parsePublicKey,
  parseResponseApdu,
  publicKeyObject,
  SW,
  TEXT_FID,
} from '@mnc/card-profiles';
import { CardStage, SECRETS } from './card-fixtures';

export interface Outcome {
  readonly sw: number;
  readonly data: Uint8Array;
}

export interface Probe {
  send(apdu: Uint8Array | string): Promise<Outcome>;
  /** Sends and requires 9000; returns the data. */
  ok(apdu: Uint8Array | string): Promise<Uint8Array>;
}

export interface ConformanceContext {
  readonly profile: CardProfile;
  open(stage: CardStage): Promise<Probe>;
}

export interface ScenarioEntry {
  readonly run: (context: ConformanceContext) => Promise<Outcome>;
  /** A PC/SC station answers 61xx and 6Cxx itself (GET RESPONSE, resend with Le), so only the card shows them. */
  readonly rawTransportOnly?: boolean;
}

/** Wraps a raw transmit into a Probe. */
export function probe(transmit: (apdu: Uint8Array) => Promise<Uint8Array>): Probe {
  const send = async (apdu: Uint8Array | string) =>
    parseResponseApdu(await transmit(typeof apdu === 'string' ? fromHex(apdu) : apdu));
  return {
    send,
    async ok(apdu) {
      const { data, sw } = await send(apdu);
      if (sw !== SW.SUCCESS) {
        const text = typeof apdu === 'string' ? apdu : hex(apdu);
        throw new Error(`setup step ${text.slice(0, 24)}… answered ${sw.toString(16)}`);
      }
      return data;
    },
  };
}

const select = CardCommand.selectApplication;
const selectFile = CardCommand.selectFile;
const AUTH_PIN = JPKI_FID.AUTHENTICATION_PIN;
const SIGNATURE_PASSWORD = JPKI_FID.SIGNATURE_PASSWORD;

async function operationalJpki(context: ConformanceContext): Promise<Probe> {
  const card = await context.open('operational');
  await card.ok(select('jpki'));
  return card;
}

async function blockAuthPin(card: Probe): Promise<void> {
  for (let i = 0; i < 3; i++) await card.send(CardCommand.verify(AUTH_PIN, '0000'));
}

/** The input SIGN takes for the key: a DigestInfo for RSA, the digest for EC. */
function signInput(profile: CardProfile, keyFid: number, message: Uint8Array): Uint8Array {
  if (profile === 'legacy-rsa2048')
    return digestInfo('sha256', createHash('sha256').update(message).digest());
  const hash = keyFid === JPKI_FID.SIGNATURE_KEY ? 'sha384' : 'sha256';
  return new Uint8Array(createHash(hash).update(message).digest());
}

/** Checks a signature from SIGN or INTERNAL AUTHENTICATE against the key's public key read from the card. */
async function expectValidSignature(
  card: Probe,
  profile: CardProfile,
  keyFid: number,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<void> {
  const key = publicKeyObject(parsePublicKey(await card.ok(CardCommand.getPublicKey(keyFid))));
  const hash = profile === 'next-gen' && keyFid === JPKI_FID.SIGNATURE_KEY ? 'sha384' : 'sha256';
  const valid =
    profile === 'legacy-rsa2048'
      ? createVerify('sha256').update(message).verify(key, signature)
      : verifySignature(hash, message, key, signature);
  if (!valid) throw new Error(`signature of key ${keyFid.toString(16)} does not verify`);
}

async function signAndCheck(context: ConformanceContext, card: Probe, keyFid: number): Promise<Outcome> {
  const message = randomBytes(100);
  const outcome = await card.send(CardCommand.sign(keyFid, signInput(context.profile, keyFid, message)));
  if (outcome.sw === SW.SUCCESS)
    await expectValidSignature(card, context.profile, keyFid, message, outcome.data);
  return outcome;
}

const notDefined = (context: ConformanceContext, apdu: Uint8Array) =>
  operationalJpki(context).then((card) => card.send(apdu));

export const SCENARIOS: ReadonlyMap<string, ScenarioEntry> = new Map<string, ScenarioEntry>(
  Object.entries<ScenarioEntry['run'] | ScenarioEntry>({
    'SELECT AP | known AID': async (c) => (await c.open('blank')).send(select('jpki')),
    'SELECT AP | unknown AID': async (c) => (await c.open('blank')).send('00A4040C07A0000000030000'),
    'SELECT AP | no AID': async (c) => (await c.open('blank')).send('00A4040C'),
    'SELECT AP | P2 other than 0C or 00': async (c) =>
      (await c.open('blank')).send('00A404040AD392F000260100000001'),

    'SELECT EF | binary EF, PIN or key of the current AP': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(selectFile(JPKI_FID.TOKEN_INFO));
      await card.ok(selectFile(AUTH_PIN));
      return card.send(selectFile(JPKI_FID.AUTHENTICATION_KEY));
    },
    'SELECT EF | FID not in the current AP': async (c) => (await operationalJpki(c)).send(selectFile(0x0123)),
    'SELECT EF | no AP selected': async (c) =>
      (await c.open('operational')).send(selectFile(JPKI_FID.TOKEN_INFO)),
    'SELECT EF | FID not 2 bytes': async (c) => (await operationalJpki(c)).send('00A4020C0106'),
    'SELECT EF | P1 other than 04 or 02': async (c) => (await operationalJpki(c)).send('00A4000C020006'),

    'READ BINARY | access always': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(selectFile(JPKI_FID.AUTHENTICATION_CERTIFICATE));
      const head = await card.send(CardCommand.readBinary(0, 4));
      if (hex(head.data).slice(0, 4) !== '3082') throw new Error('certificate does not start 30 82');
      return head;
    },
    'READ BINARY | file opened by a verified PIN': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(SIGNATURE_PASSWORD, SECRETS.signaturePassword));
      await card.ok(selectFile(JPKI_FID.SIGNATURE_CERTIFICATE));
      return card.send(CardCommand.readBinary(0, 4));
    },
    'READ BINARY | access condition not satisfied': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(selectFile(JPKI_FID.SIGNATURE_CERTIFICATE));
      return card.send(CardCommand.readBinary(0, 4));
    },
    'READ BINARY | offset at or past the end': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(selectFile(JPKI_FID.CERTIFICATE_PRESENCE));
      return card.send(CardCommand.readBinary(3, 1));
    },
    'READ BINARY | no current EF': async (c) => (await operationalJpki(c)).send(CardCommand.readBinary(0, 4)),
    'READ BINARY | current EF is a PIN or key': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(selectFile(JPKI_FID.AUTHENTICATION_KEY));
      return card.send(CardCommand.readBinary(0, 4));
    },
    'READ BINARY | SFI not in the AP': async (c) =>
      (await operationalJpki(c)).send(CardCommand.readBinaryBySfi(0x0e)),
    'READ BINARY | P1 bits 7-6 set in the SFI form': async (c) =>
      (await operationalJpki(c)).send('00B0CA0010'),
    'READ BINARY | no Le': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(selectFile(JPKI_FID.TOKEN_INFO));
      return card.send('00B00000');
    },

    'UPDATE BINARY | during personalisation': async (c) => {
      const card = await c.open('personalising');
      await card.ok(select('jpki'));
      await card.ok(selectFile(JPKI_FID.TOKEN_INFO));
      const outcome = await card.send(CardCommand.updateBinary(40, fromHex('CAFE')));
      if (hex(await card.ok(CardCommand.readBinary(40, 2))) !== 'CAFE') throw new Error('not written');
      return outcome;
    },
    'UPDATE BINARY | after CLOSE PERSONALISATION': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(selectFile(JPKI_FID.TOKEN_INFO));
      return card.send(CardCommand.updateBinary(0, fromHex('01')));
    },
    'UPDATE BINARY | data runs past the end': async (c) => {
      const card = await c.open('personalising');
      await card.ok(select('jpki'));
      await card.ok(selectFile(JPKI_FID.CERTIFICATE_PRESENCE));
      return card.send(CardCommand.updateBinary(2, fromHex('0102')));
    },
    'UPDATE BINARY | offset at or past the end': async (c) => {
      const card = await c.open('personalising');
      await card.ok(select('jpki'));
      await card.ok(selectFile(JPKI_FID.CERTIFICATE_PRESENCE));
      return card.send(CardCommand.updateBinary(3, fromHex('01')));
    },
    'UPDATE BINARY | no data': async (c) => {
      const card = await c.open('personalising');
      await card.ok(select('jpki'));
      await card.ok(selectFile(JPKI_FID.TOKEN_INFO));
      return card.send('00D60000');
    },
    'UPDATE BINARY | no current EF': async (c) => {
      const card = await c.open('personalising');
      await card.ok(select('jpki'));
      return card.send(CardCommand.updateBinary(0, fromHex('01')));
    },

    'CREATE FILE | during personalisation': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('text'));
      return card.send(CardCommand.createFile({ fid: TEXT_FID.FOUR_FACTS, size: 300, readAccess: ALWAYS }));
    },
    'CREATE FILE | FID of an existing EF, PIN or key': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      return card.send(CardCommand.createFile({ fid: AUTH_PIN, size: 16, readAccess: ALWAYS }));
    },
    'CREATE FILE | after CLOSE PERSONALISATION': async (c) => {
      const card = await operationalJpki(c);
      return card.send(CardCommand.createFile({ fid: 0x0030, size: 16, readAccess: ALWAYS }));
    },
    'CREATE FILE | no AP selected': async (c) =>
      (await c.open('blank')).send(CardCommand.createFile({ fid: 0x0030, size: 16, readAccess: ALWAYS })),
    'CREATE FILE | malformed template': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      return card.send('00E0000004 62028301');
    },
    'CREATE FILE | size above 32767': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      return card.send(CardCommand.createFile({ fid: 0x0030, size: 0x8000, readAccess: ALWAYS }));
    },
    'CREATE FILE | P1-P2 other than 0000': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      return card.send('00E00100 0C 620A83020030800110860100'.replace(/ /g, ''));
    },

    'GET DATA | serial number': async (c) => {
      const card = await c.open('operational');
      const outcome = await card.send(CardCommand.getSerial());
      if (outcome.data.length !== 8) throw new Error('serial is not 8 bytes');
      return outcome;
    },
    'GET DATA | Le shorter than the serial': {
      rawTransportOnly: true,
      run: async (c) => (await c.open('blank')).send(CardCommand.getSerial(4)),
    },
    'GET DATA | other data object': async (c) => (await c.open('blank')).send('00CA010200'),

    'VERIFY | correct value': async (c) =>
      (await operationalJpki(c)).send(CardCommand.verify(AUTH_PIN, SECRETS.pin)),
    'VERIFY | wrong value, first try of three': async (c) =>
      (await operationalJpki(c)).send(CardCommand.verify(AUTH_PIN, '9999')),
    'VERIFY | wrong value, last try': async (c) => {
      const card = await operationalJpki(c);
      await card.send(CardCommand.verify(AUTH_PIN, '9999'));
      await card.send(CardCommand.verify(AUTH_PIN, '99999'));
      return card.send(CardCommand.verify(AUTH_PIN, '9'));
    },
    'VERIFY | blocked PIN': async (c) => {
      const card = await operationalJpki(c);
      await blockAuthPin(card);
      return card.send(CardCommand.verify(AUTH_PIN, SECRETS.pin));
    },
    'VERIFY | no data, three tries left': async (c) => {
      // As OpenSC does it: SELECT the PIN EF, then VERIFY with P2 80 and no data.
      const card = await operationalJpki(c);
      await card.ok(selectFile(AUTH_PIN));
      return card.send(CardCommand.verify('current'));
    },
    'VERIFY | no data, blocked': async (c) => {
      const card = await operationalJpki(c);
      await blockAuthPin(card);
      return card.send(CardCommand.verify(AUTH_PIN));
    },
    'VERIFY | no data, PIN not set': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      return card.send(CardCommand.verify(AUTH_PIN));
    },
    'VERIFY | PIN not set': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      return card.send(CardCommand.verify(AUTH_PIN, SECRETS.pin));
    },
    'VERIFY | PUK with data': async (c) =>
      (await operationalJpki(c)).send(CardCommand.verify(JPKI_FID.PUK, SECRETS.puk)),
    'VERIFY | reference to a binary EF': async (c) =>
      (await operationalJpki(c)).send(CardCommand.verify(JPKI_FID.TOKEN_INFO, SECRETS.pin)),
    'VERIFY | reference to nothing': async (c) =>
      (await operationalJpki(c)).send(CardCommand.verify(0x0e, SECRETS.pin)),
    'VERIFY | P1 other than 00': async (c) =>
      (await operationalJpki(c)).send('0020019804 31323334'.replace(/ /g, '')),
    'VERIFY | P2 not 80 to 9E': async (c) =>
      (await operationalJpki(c)).send('0020001804 31323334'.replace(/ /g, '')),
    'VERIFY | P2 80 without a current EF': async (c) =>
      (await operationalJpki(c)).send(CardCommand.verify('current', SECRETS.pin)),

    'CHANGE REFERENCE DATA | set during personalisation': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      const outcome = await card.send(CardCommand.changeReferenceData(AUTH_PIN, '5678'));
      await card.ok(CardCommand.closePersonalisation());
      await card.ok(select('jpki'));
      await card.ok(CardCommand.verify(AUTH_PIN, '5678'));
      return outcome;
    },
    'CHANGE REFERENCE DATA | after VERIFY of the same PIN': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(AUTH_PIN, SECRETS.pin));
      const outcome = await card.send(CardCommand.changeReferenceData(AUTH_PIN, '2468'));
      await card.ok(select('jpki'));
      await card.ok(CardCommand.verify(AUTH_PIN, '2468'));
      return outcome;
    },
    'CHANGE REFERENCE DATA | without VERIFY': async (c) =>
      (await operationalJpki(c)).send(CardCommand.changeReferenceData(AUTH_PIN, '2468')),
    'CHANGE REFERENCE DATA | PIN satisfied only through the signature password': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(SIGNATURE_PASSWORD, SECRETS.signaturePassword));
      return card.send(CardCommand.changeReferenceData(AUTH_PIN, '2468'));
    },
    'CHANGE REFERENCE DATA | new value of the wrong format': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(SIGNATURE_PASSWORD, SECRETS.signaturePassword));
      return card.send(CardCommand.changeReferenceData(SIGNATURE_PASSWORD, 'abc12'));
    },
    'CHANGE REFERENCE DATA | P1 other than 01': async (c) =>
      (await operationalJpki(c)).send('0024009808 3132333435363738'.replace(/ /g, '')),
    'CHANGE REFERENCE DATA | no data': async (c) => (await operationalJpki(c)).send('00240198'),

    'RESET RETRY COUNTER | PUK and new value unblock a blocked PIN': async (c) => {
      const card = await operationalJpki(c);
      await blockAuthPin(card);
      const outcome = await card.send(CardCommand.resetRetryCounter(AUTH_PIN, SECRETS.puk, '8642'));
      await card.ok(CardCommand.verify(AUTH_PIN, '8642'));
      return outcome;
    },
    'RESET RETRY COUNTER | PUK only restores the tries': async (c) => {
      const card = await operationalJpki(c);
      await card.send(CardCommand.verify(AUTH_PIN, '0000'));
      const outcome = await card.send(CardCommand.resetRetryCounter(AUTH_PIN, SECRETS.puk));
      const tries = await card.send(CardCommand.verify(AUTH_PIN));
      if (tries.sw !== 0x63c3) throw new Error(`tries not restored: ${tries.sw.toString(16)}`);
      return outcome;
    },
    'RESET RETRY COUNTER | PUK resets the signature password': async (c) => {
      const card = await operationalJpki(c);
      for (let i = 0; i < 5; i++) await card.send(CardCommand.verify(SIGNATURE_PASSWORD, 'WRONG1'));
      const outcome = await card.send(
        CardCommand.resetRetryCounter(SIGNATURE_PASSWORD, SECRETS.puk, 'NEWPASS9'),
      );
      await card.ok(CardCommand.verify(SIGNATURE_PASSWORD, 'NEWPASS9'));
      return outcome;
    },
    'RESET RETRY COUNTER | wrong PUK, first try of ten': async (c) =>
      (await operationalJpki(c)).send(CardCommand.resetRetryCounter(AUTH_PIN, '87654321', '1111')),
    'RESET RETRY COUNTER | blocked PUK': async (c) => {
      const card = await operationalJpki(c);
      for (let i = 0; i < 10; i++) await card.send(CardCommand.resetRetryCounter(AUTH_PIN, '00000000'));
      return card.send(CardCommand.resetRetryCounter(AUTH_PIN, SECRETS.puk));
    },
    'RESET RETRY COUNTER | PIN without a PUK': async (c) => {
      const card = await c.open('operational');
      await card.ok(select('text'));
      return card.send(CardCommand.resetRetryCounter(TEXT_FID.PIN, SECRETS.puk, '1111'));
    },
    'RESET RETRY COUNTER | new value of the wrong format': async (c) =>
      (await operationalJpki(c)).send(CardCommand.resetRetryCounter(AUTH_PIN, SECRETS.puk, '12a4')),
    'RESET RETRY COUNTER | PUK only, wrong length': async (c) =>
      (await operationalJpki(c)).send(CardCommand.resetRetryCounter(AUTH_PIN, '1234567')),
    'RESET RETRY COUNTER | P1 other than 00 or 01': async (c) =>
      (await operationalJpki(c)).send('002C029808 3132333435363738'.replace(/ /g, '')),
    'RESET RETRY COUNTER | not defined for the profile': async (c) =>
      notDefined(c, CardCommand.resetRetryCounter(AUTH_PIN, SECRETS.puk, '1111')),

    'GENERATE ASYMMETRIC KEY PAIR | generate during personalisation': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      const outcome = await card.send(CardCommand.generateKeyPair(JPKI_FID.AUTHENTICATION_KEY));
      const key = parsePublicKey(outcome.data);
      const expected = c.profile === 'legacy-rsa2048' ? 'rsa-2048' : 'ec-p256';
      if (key.algorithm !== expected) throw new Error(`generated ${key.algorithm}, not ${expected}`);
      return outcome;
    },
    'GENERATE ASYMMETRIC KEY PAIR | read the public key after CLOSE PERSONALISATION': async (c) => {
      const card = await operationalJpki(c);
      const outcome = await card.send(CardCommand.getPublicKey(JPKI_FID.SIGNATURE_KEY));
      parsePublicKey(outcome.data);
      return outcome;
    },
    'GENERATE ASYMMETRIC KEY PAIR | generate after CLOSE PERSONALISATION': async (c) =>
      (await operationalJpki(c)).send(CardCommand.generateKeyPair(JPKI_FID.AUTHENTICATION_KEY)),
    'GENERATE ASYMMETRIC KEY PAIR | read a key not generated': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      return card.send(CardCommand.getPublicKey(JPKI_FID.SIGNATURE_KEY));
    },
    'GENERATE ASYMMETRIC KEY PAIR | reference to a PIN': async (c) =>
      (await operationalJpki(c)).send(CardCommand.getPublicKey(AUTH_PIN)),
    'GENERATE ASYMMETRIC KEY PAIR | P1 other than 80 or 81': async (c) =>
      (await operationalJpki(c)).send('0047829700'),
    'GENERATE ASYMMETRIC KEY PAIR | no Le': async (c) => (await operationalJpki(c)).send('00478197'),

    'SIGN | user-authentication key after the PIN': async (c) => {
      // As OpenSC does it: SELECT 0018, VERIFY, SELECT 0017, SIGN with P2 80.
      const card = await operationalJpki(c);
      await card.ok(selectFile(AUTH_PIN));
      await card.ok(CardCommand.verify('current', SECRETS.pin));
      await card.ok(selectFile(JPKI_FID.AUTHENTICATION_KEY));
      const message = randomBytes(64);
      const outcome = await card.send(
        CardCommand.sign('current', signInput(c.profile, JPKI_FID.AUTHENTICATION_KEY, message)),
      );
      if (outcome.sw === SW.SUCCESS)
        await expectValidSignature(card, c.profile, JPKI_FID.AUTHENTICATION_KEY, message, outcome.data);
      return outcome;
    },
    'SIGN | signature key after the signature password': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(SIGNATURE_PASSWORD, SECRETS.signaturePassword));
      return signAndCheck(c, card, JPKI_FID.SIGNATURE_KEY);
    },
    'SIGN | user-authentication key after the signature password': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(SIGNATURE_PASSWORD, SECRETS.signaturePassword));
      return signAndCheck(c, card, JPKI_FID.AUTHENTICATION_KEY);
    },
    'SIGN | without the PIN': async (c) =>
      signAndCheck(c, await operationalJpki(c), JPKI_FID.AUTHENTICATION_KEY),
    'SIGN | signature key after the PIN only': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(AUTH_PIN, SECRETS.pin));
      return signAndCheck(c, card, JPKI_FID.SIGNATURE_KEY);
    },
    'SIGN | during personalisation without PIN': async (c) => {
      const card = await c.open('personalising');
      await card.ok(select('jpki'));
      return signAndCheck(c, card, JPKI_FID.SIGNATURE_KEY);
    },
    'SIGN | key not generated': async (c) => {
      const card = await c.open('blank');
      await card.ok(select('jpki'));
      return card.send(CardCommand.sign(JPKI_FID.AUTHENTICATION_KEY, new Uint8Array(32)));
    },
    'SIGN | card authentication key': async (c) =>
      (await operationalJpki(c)).send(CardCommand.sign(JPKI_FID.CARD_AUTHENTICATION_KEY, new Uint8Array(32))),
    'SIGN | digest of the wrong length': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(AUTH_PIN, SECRETS.pin));
      return card.send(CardCommand.sign(JPKI_FID.AUTHENTICATION_KEY, new Uint8Array(48)));
    },
    'SIGN | DigestInfo longer than 245 bytes': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(AUTH_PIN, SECRETS.pin));
      return card.send(CardCommand.sign(JPKI_FID.AUTHENTICATION_KEY, new Uint8Array(246)));
    },
    'SIGN | no Le': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(AUTH_PIN, SECRETS.pin));
      return card.send(
        encodeCommandApdu({ cla: 0x80, ins: 0x2a, p1: 0, p2: 0x97, data: new Uint8Array(32) }),
      );
    },
    'SIGN | P1 other than 00': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(AUTH_PIN, SECRETS.pin));
      return card.send(
        encodeCommandApdu({ cla: 0x80, ins: 0x2a, p1: 1, p2: 0x97, data: new Uint8Array(32), ne: 256 }),
      );
    },

    'INTERNAL AUTHENTICATE | card authentication key without PIN': async (c) => {
      const card = await operationalJpki(c);
      const challenge = randomBytes(32);
      const outcome = await card.send(
        CardCommand.internalAuthenticate(JPKI_FID.CARD_AUTHENTICATION_KEY, challenge),
      );
      await expectValidSignature(card, c.profile, JPKI_FID.CARD_AUTHENTICATION_KEY, challenge, outcome.data);
      return outcome;
    },
    'INTERNAL AUTHENTICATE | user-authentication key after the PIN': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(AUTH_PIN, SECRETS.pin));
      const challenge = randomBytes(16);
      const outcome = await card.send(
        CardCommand.internalAuthenticate(JPKI_FID.AUTHENTICATION_KEY, challenge),
      );
      await expectValidSignature(card, c.profile, JPKI_FID.AUTHENTICATION_KEY, challenge, outcome.data);
      return outcome;
    },
    'INTERNAL AUTHENTICATE | user-authentication key without the PIN': async (c) =>
      (await operationalJpki(c)).send(
        CardCommand.internalAuthenticate(JPKI_FID.AUTHENTICATION_KEY, randomBytes(16)),
      ),
    'INTERNAL AUTHENTICATE | signature key': async (c) => {
      const card = await operationalJpki(c);
      await card.ok(CardCommand.verify(SIGNATURE_PASSWORD, SECRETS.signaturePassword));
      return card.send(CardCommand.internalAuthenticate(JPKI_FID.SIGNATURE_KEY, randomBytes(16)));
    },
    'INTERNAL AUTHENTICATE | no challenge': async (c) => (await operationalJpki(c)).send('0088009C00'),
    'INTERNAL AUTHENTICATE | not defined for the profile': async (c) =>
      notDefined(c, CardCommand.internalAuthenticate(JPKI_FID.AUTHENTICATION_KEY, randomBytes(16))),

    'GET RESPONSE | rest of an answer longer than Le': {
      rawTransportOnly: true,
      run: async (c) => {
        const card = await operationalJpki(c);
        const first = await card.send(
          encodeCommandApdu({ cla: 0, ins: 0x47, p1: 0x81, p2: 0x80 | JPKI_FID.AUTHENTICATION_KEY, ne: 16 }),
        );
        if (first.sw >> 8 !== 0x61) throw new Error(`expected 61xx, got ${first.sw.toString(16)}`);
        const rest = await card.send(CardCommand.getResponse(first.sw & 0xff || 256));
        parsePublicKey(new Uint8Array([...first.data, ...rest.data]));
        return rest;
      },
    },
    'GET RESPONSE | nothing pending': async (c) =>
      (await c.open('operational')).send(CardCommand.getResponse()),

    'CLOSE PERSONALISATION | during personalisation': async (c) =>
      (await c.open('personalising')).send(CardCommand.closePersonalisation()),
    'CLOSE PERSONALISATION | already operational': async (c) =>
      (await c.open('operational')).send(CardCommand.closePersonalisation()),
    'CLOSE PERSONALISATION | P1-P2 other than 0000': async (c) =>
      (await c.open('personalising')).send('80F00001'),
    'CLOSE PERSONALISATION | Le present': async (c) => (await c.open('personalising')).send('80F0000000'),

    'any | command not defined here, CLA 00 or 80': async (c) =>
      (await operationalJpki(c)).send('00DA000000'),
    'any | CLA other than 00 or 80': async (c) =>
      (await c.open('blank')).send('0CA4040C0AD392F000260100000001'),
    'any | length fields that do not add up': async (c) => (await c.open('blank')).send('00D6000005AABB'),
  }).map(([name, entry]) => [name, typeof entry === 'function' ? { run: entry } : entry]),
);
