import { CardCommand, fromHex, NEVER, parseResponseApdu, SW } from '@mnc/card-profiles';
import { CARD_STATE_FORMAT, InvalidCardStateError, VirtualCardState } from './card-state';
import { VirtualCard } from './virtual-card';

const SERIAL = fromHex('4D4E430000000042');

function personalisedCard(): VirtualCard {
  const card = VirtualCard.blank('next-gen', SERIAL);
  for (const apdu of [
    CardCommand.selectApplication('jpki'),
    CardCommand.createFile({ fid: 0x0006, size: 32, readAccess: { kind: 'always' } }),
    CardCommand.updateBinary(0, new TextEncoder().encode('JPKIAPICCTOKEN2')),
    CardCommand.createFile({ fid: 0x0030, size: 16, readAccess: NEVER }),
    CardCommand.closePersonalisation(),
  ]) {
    expect(parseResponseApdu(card.transmit(apdu)).sw).toBe(SW.SUCCESS);
  }
  return card;
}

function roundTrip(card: VirtualCard): VirtualCard {
  return VirtualCard.fromState(JSON.parse(JSON.stringify(card)));
}

describe('card state serialisation', () => {
  it('keeps serial, profile and life-cycle state through JSON', () => {
    const restored = roundTrip(personalisedCard());
    expect({ serial: restored.serial, profile: restored.profile, lifeCycle: restored.lifeCycle }).toEqual({
      serial: '4D4E430000000042',
      profile: 'next-gen',
      lifeCycle: 'operational',
    });
  });

  it('keeps file contents readable through JSON', () => {
    const restored = roundTrip(personalisedCard());
    restored.transmit(CardCommand.selectApplication('jpki'));
    restored.transmit(CardCommand.selectFile(0x0006));
    const { data } = parseResponseApdu(restored.transmit(CardCommand.readBinary(0, 15)));
    expect(new TextDecoder().decode(data)).toBe('JPKIAPICCTOKEN2');
  });

  it('keeps access conditions through JSON', () => {
    const restored = roundTrip(personalisedCard());
    restored.transmit(CardCommand.selectApplication('jpki'));
    restored.transmit(CardCommand.selectFile(0x0030));
    expect(parseResponseApdu(restored.transmit(CardCommand.readBinary(0, 1))).sw).toBe(
      SW.SECURITY_STATUS_NOT_SATISFIED,
    );
  });

  it('produces the same state after a round trip', () => {
    const card = personalisedCard();
    expect(roundTrip(card).toState()).toEqual(card.toState());
  });

  it('summarises files without their contents', () => {
    const jpki = personalisedCard()
      .summary()
      .applications.find((app) => app.name === 'jpki');
    expect(jpki?.files).toEqual([
      { fid: '0006', size: 32, readAccess: { kind: 'always' } },
      { fid: '0030', size: 16, readAccess: { kind: 'never' } },
    ]);
  });

  describe('given invalid JSON', () => {
    const valid = (): VirtualCardState => personalisedCard().toState();
    const jpkiFile = (state: VirtualCardState) => state.applications.jpki?.files[0];

    it.each<[string, (state: VirtualCardState) => unknown]>([
      ['a different format', (state) => ({ ...state, format: 'other/1' })],
      ['a short serial', (state) => ({ ...state, serial: '0102' })],
      ['an unknown profile', (state) => ({ ...state, profile: 'legacy-ecdsa' })],
      ['an unknown life-cycle state', (state) => ({ ...state, lifeCycle: 'terminated' })],
      [
        'an application the profile lacks',
        (state) => ({ ...state, applications: { ...state.applications, pin: { files: [] } } }),
      ],
      [
        'content that does not match the size',
        (state) => ({ ...state, applications: { jpki: { files: [{ ...jpkiFile(state), size: 99 }] } } }),
      ],
      [
        'an unknown access condition',
        (state) => ({
          ...state,
          applications: { jpki: { files: [{ ...jpkiFile(state), readAccess: { kind: 'pin' } }] } },
        }),
      ],
      [
        'a reserved FID',
        (state) => ({ ...state, applications: { jpki: { files: [{ ...jpkiFile(state), fid: '3F00' }] } } }),
      ],
    ])('rejects %s', (_, corrupt) => {
      expect(() => VirtualCard.fromState(corrupt(valid()))).toThrow(InvalidCardStateError);
    });

    it('rejects something that is not an object', () => {
      expect(() => VirtualCard.fromState(null)).toThrow(InvalidCardStateError);
    });
  });

  it('writes the format marker', () => {
    expect(personalisedCard().toState().format).toBe(CARD_STATE_FORMAT);
  });
});
