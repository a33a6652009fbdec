import { fromHex, hex } from '@mnc/virtual-card';
import { transmitWithResponseChaining } from './response-chaining';

/** A card that answers from a script and records what it was sent. */
function scripted(...responses: string[]) {
  const sent: string[] = [];
  const send = async (apdu: Uint8Array) => {
    sent.push(hex(apdu));
    const next = responses.shift();
    if (next === undefined) throw new Error('script exhausted');
    return fromHex(next);
  };
  return { send, sent };
}

describe('transmitWithResponseChaining', () => {
  it('passes a final response through unchanged', async () => {
    const card = scripted('01029000');
    expect(hex(await transmitWithResponseChaining(card.send, fromHex('00B0000002')))).toBe('01029000');
    expect(card.sent).toEqual(['00B0000002']);
  });

  it('collects 61xx data with GET RESPONSE until the final status', async () => {
    const card = scripted('AABB6103', 'CCDDEE6101', 'FF9000');
    const response = await transmitWithResponseChaining(card.send, fromHex('00CA010100'));
    expect(hex(response)).toBe('AABBCCDDEEFF9000');
    expect(card.sent).toEqual(['00CA010100', '00C0000003', '00C0000001']);
  });

  it('sends GET RESPONSE on the command logical channel with CLA 00 even for a proprietary command', async () => {
    const card = scripted('6110', '9000');
    await transmitWithResponseChaining(card.send, fromHex('812A008001AA00'));
    expect(card.sent[1]).toBe('01C0000010');
  });

  it('resends with the exact Le after 6Cxx', async () => {
    const card = scripted('6C08', '01020304050607089000');
    const response = await transmitWithResponseChaining(card.send, fromHex('00CA010101'));
    expect(hex(response)).toBe('01020304050607089000');
    expect(card.sent).toEqual(['00CA010101', '00CA010108']);
  });

  it('keeps the data field when resending after 6Cxx', async () => {
    const card = scripted('6C02', 'AAAA9000');
    await transmitWithResponseChaining(card.send, fromHex('00880000020102 10'));
    expect(card.sent[1]).toBe('0088000002010202');
  });

  it('returns 6Cxx unchanged when the command cannot be parsed to resend', async () => {
    const card = scripted('6C08');
    expect(hex(await transmitWithResponseChaining(card.send, fromHex('00CA')))).toBe('6C08');
  });

  it('stops asking after 256 GET RESPONSE rounds', async () => {
    const card = scripted(...Array.from({ length: 300 }, () => '006101'));
    const response = await transmitWithResponseChaining(card.send, fromHex('00B0000001'));
    expect(card.sent.length).toBe(257);
    expect(hex(response.subarray(-2))).toBe('6101');
  });
});
