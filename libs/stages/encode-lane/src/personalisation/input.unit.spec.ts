import { randomUUID } from 'node:crypto';
import { ALWAYS, afterPin, JPKI_FID, TEXT_FID, VISUAL_FID, TOKEN_INFO_SIZE } from '@mnc/card-profiles';
import type { PersonalisationBundle } from '@mnc/contracts';
import { syntheticApplicant } from '@mnc/synthetic';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { personalisationBundleFixture } from '@mnc/testing';
import { PersonalisationInputError } from './errors';
import { dataFiles, keySpecs, personalisationInputFromBundle } from './input';

const photo = { hash: `sha256:${'0'.repeat(64)}`, size: 1, mediaType: 'image/jpeg' };
const pins = { userAuthenticationPin: '4321', signaturePassword: 'RESIDENT7' };
const bundleOf = (cardProfile: 'next-gen' | 'legacy-rsa2048'): Promise<PersonalisationBundle> =>
  personalisationBundleFixture({ applicant: syntheticApplicant(7), photo, cardProfile });

describe('personalisationInputFromBundle', () => {
  it('maps a next-gen bundle: AP files, issuer-set check codes and PUK, chosen PINs, subject facts', async () => {
    const bundle = await bundleOf('next-gen');
    const input = personalisationInputFromBundle(bundle, { applicationId: 'app-1', chosenPins: pins });
    expect(input.profile).toBe('next-gen');
    expect([...input.files.text.keys()].sort()).toEqual([1, 2, 3]);
    expect([...input.files.visual.keys()].sort()).toEqual([2, 5]);
    expect(Buffer.from(input.files.text.get(TEXT_FID.MY_NUMBER)!).subarray(3, 15).toString()).toBe(
      bundle.applicant.myNumber,
    );
    expect(Object.fromEntries(input.pins.jpki!)).toEqual({
      [JPKI_FID.AUTHENTICATION_PIN]: '4321',
      [JPKI_FID.SIGNATURE_PASSWORD]: 'RESIDENT7',
      [JPKI_FID.PUK]: bundle.puk,
    });
    expect(Object.fromEntries(input.pins.text!)).toEqual({
      [TEXT_FID.CHECK_CODE_A]: bundle.collationNumberA,
      [TEXT_FID.CHECK_CODE_B]: bundle.collationNumberB,
      [TEXT_FID.PIN]: '4321',
    });
    expect(Object.fromEntries(input.pins.visual!)).toEqual({
      [VISUAL_FID.CHECK_CODE_A]: bundle.collationNumberA,
      [VISUAL_FID.CHECK_CODE_B]: bundle.collationNumberB,
    });
    expect(input.signatureSubject).toEqual({
      name: `${bundle.applicant.familyName}\u3000${bundle.applicant.givenName}`,
      address: `${bundle.applicant.address.prefecture}${bundle.applicant.address.municipality}${bundle.applicant.address.line}`,
      birthDate: bundle.applicant.birthDate,
      sex: bundle.applicant.sex,
    });
    expect(input.cardExpiresAt).toBe(bundle.certificates.notAfter);
    expect(input.apSignatures.map((s) => s.location).sort()).toEqual([
      'text-0003-DF33',
      'visual-0002-DF28',
      'visual-0005-DF43',
    ]);
  });

  it('leaves the next-gen JPKI PINs unset when the resident sets them at hand-over; the PUK is still set', async () => {
    const input = personalisationInputFromBundle(await bundleOf('next-gen'), { applicationId: 'app-2' });
    expect([...input.pins.jpki!.keys()]).toEqual([JPKI_FID.PUK]);
    expect(input.pins.text!.has(TEXT_FID.PIN)).toBe(false);
  });

  it('takes a legacy card’s initial PINs from the bundle, and refuses a legacy bundle without any', async () => {
    const bundle = await bundleOf('legacy-rsa2048');
    const fromBundle = personalisationInputFromBundle(bundle, { applicationId: 'app-3' });
    expect(fromBundle.pins.jpki!.get(JPKI_FID.AUTHENTICATION_PIN)).toBe(
      bundle.initialPins!.userAuthenticationPin,
    );
    expect(fromBundle.pins.jpki!.get(JPKI_FID.SIGNATURE_PASSWORD)).toBe(
      bundle.initialPins!.signaturePassword,
    );
    const { initialPins: _none, ...withoutPins } = bundle;
    expect(() => personalisationInputFromBundle(withoutPins, { applicationId: 'app-3' })).toThrow(
      expect.objectContaining({ field: 'chosenPins' }),
    );
    const input = personalisationInputFromBundle(bundle, { applicationId: 'app-3', chosenPins: pins });
    expect(input.pins.jpki!.has(JPKI_FID.PUK)).toBe(false);
  });

  it('refuses PIN values of the wrong format, naming the PIN object', async () => {
    const bundle = await bundleOf('legacy-rsa2048');
    const bad = (chosenPins: typeof pins) => () =>
      personalisationInputFromBundle(bundle, { applicationId: randomUUID(), chosenPins });
    expect(bad({ ...pins, signaturePassword: 'short' })).toThrow(PersonalisationInputError);
    expect(bad({ ...pins, signaturePassword: 'lower1234' })).toThrow(
      expect.objectContaining({ field: 'pins.jpki.001B' }),
    );
    expect(bad({ ...pins, userAuthenticationPin: '12345' })).toThrow(
      expect.objectContaining({ field: 'pins.jpki.0018' }),
    );
  });

  it('refuses a bundle that lists a file twice', async () => {
    const bundle = await bundleOf('next-gen');
    const twice = { ...bundle, files: [...bundle.files, bundle.files[0]!] };
    expect(() => personalisationInputFromBundle(twice, { applicationId: 'x', chosenPins: pins })).toThrow(
      expect.objectContaining({ field: 'files' }),
    );
  });
});

describe('keySpecs', () => {
  it('legacy: two RSA-2048 keys, user authentication first, with their certificate and CA EFs', () => {
    expect(keySpecs('legacy-rsa2048')).toEqual([
      expect.objectContaining({
        keyFid: 0x17,
        purpose: 'jpki-user-authentication',
        algorithm: 'rsa2048-sha256',
        certificateFid: 0x0a,
        caCertificateFid: 0x0b,
        pinFid: 0x18,
      }),
      expect.objectContaining({
        keyFid: 0x1a,
        purpose: 'jpki-signature',
        algorithm: 'rsa2048-sha256',
        certificateFid: 0x01,
        caCertificateFid: 0x02,
        pinFid: 0x1b,
      }),
    ]);
  });

  it('next-gen: P-256 user authentication, P-384 signature, P-256 card authentication without a CA EF', () => {
    const specs = keySpecs('next-gen');
    expect(specs.map((s) => [s.purpose, s.algorithm, s.certificateFid])).toEqual([
      ['jpki-user-authentication', 'ecdsa-p256-sha256', 0x0a],
      ['jpki-signature', 'ecdsa-p384-sha384', 0x01],
      ['card-authentication', 'ecdsa-p256-sha256', 0x0c],
    ]);
    expect(specs[2]!.caCertificateFid).toBeUndefined();
    expect(specs[2]!.pinFid).toBeUndefined();
  });
});

describe('dataFiles', () => {
  it('writes token info and certificate presence first, then the AP files with the profile’s read access', async () => {
    const input = personalisationInputFromBundle(await bundleOf('legacy-rsa2048'), {
      applicationId: 'x',
      chosenPins: pins,
    });
    const files = dataFiles(input);
    expect(files.map((f) => `${f.application}:${f.fid}`)).toEqual([
      'jpki:6',
      'jpki:8',
      'text:1',
      'text:2',
      'text:3',
      'visual:2',
      'visual:5',
    ]);
    expect(files[0]!.content).toHaveLength(TOKEN_INFO_SIZE);
    expect(Buffer.from(files[0]!.content).toString('ascii').trimEnd()).toBe('JPKIAPICCTOKEN2');
    expect(files[0]!.readAccess).toEqual(ALWAYS);
    expect(files[2]!.readAccess).toEqual(afterPin(TEXT_FID.PIN, TEXT_FID.CHECK_CODE_A));
    expect(files[6]!.readAccess).toEqual(afterPin(VISUAL_FID.CHECK_CODE_A));
  });

  it('names a missing AP file', async () => {
    const input = personalisationInputFromBundle(await bundleOf('next-gen'), { applicationId: 'x' });
    const visual = new Map(input.files.visual);
    visual.delete(VISUAL_FID.MY_NUMBER_IMAGE);
    expect(() => dataFiles({ ...input, files: { ...input.files, visual } })).toThrow(
      'visual EF 0005 is missing',
    );
  });
});
