import type { PersonalisationBundle } from '@mnc/contracts';
import { fourFactsFile, myNumberFile, personalisationFiles } from './personalisation-script';

type Applicant = PersonalisationBundle['applicant'];

const APPLICANT: Applicant = {
  familyName: '山田',
  givenName: '太郎',
  familyNameKana: 'ヤマダ',
  givenNameKana: 'タロウ',
  birthDate: '1990-04-01',
  sex: '1',
  address: { prefecture: '東京都', municipality: '千代田区', line: '千代田1-1', postalCode: '1000001' },
  localGovernmentCode: '131016',
  myNumber: '123456789012',
};

/** Splits a run of TLVs with one- or two-byte tags (two when the first tag byte's low five bits are all set). */
function parseTlvs(data: Buffer): { tag: number; value: Buffer }[] {
  const out: { tag: number; value: Buffer }[] = [];
  let i = 0;
  while (i < data.length) {
    let tag = data[i++];
    if ((tag & 0x1f) === 0x1f) tag = (tag << 8) | data[i++];
    let length = data[i++];
    if (length === 0x81) length = data[i++];
    else if (length === 0x82) length = (data[i++] << 8) | data[i++];
    out.push({ tag, value: data.subarray(i, i + length) });
    i += length;
  }
  if (i !== data.length) throw new Error('TLV run overruns the data');
  return out;
}

describe('myNumberFile', () => {
  it('given 12 digits, then the file is FF 10 0C, the digits in ASCII, then FF FF', () => {
    expect(myNumberFile('123456789012').toString('hex')).toBe('ff100c' + '313233343536373839303132' + 'ffff');
  });

  it('is 17 bytes long', () => {
    expect(myNumberFile('000000000000')).toHaveLength(17);
  });

  it.each(['12345678901', '1234567890123', '12345678901A', '１２３４５６７８９０１８'])(
    'given %p, then RangeError instead of a file whose length byte lies',
    (value) => {
      expect(() => myNumberFile(value)).toThrow(RangeError);
    },
  );
});

describe('fourFactsFile', () => {
  const file = fourFactsFile(APPLICANT);
  const outer = parseTlvs(file);
  const inner = () => parseTlvs(outer[0].value);
  const valueOf = (tag: number) => inner().find((t) => t.tag === tag)?.value;

  it('is one FF20 template wrapping DF22, DF23, DF24 and DF25 in that order', () => {
    expect(outer.map((t) => t.tag)).toEqual([0xff20]);
    expect(inner().map((t) => t.tag)).toEqual([0xdf22, 0xdf23, 0xdf24, 0xdf25]);
  });

  it('holds the name in UTF-8, family then given, separated by an ideographic space (U+3000)', () => {
    // 山 田 U+3000 太 郎
    expect(valueOf(0xdf22)?.toString('hex')).toBe('e5b1b1' + 'e794b0' + 'e38080' + 'e5a4aa' + 'e9838e');
  });

  it('holds the address as prefecture, municipality and line joined, in UTF-8', () => {
    expect(valueOf(0xdf23)?.toString('utf8')).toBe('東京都千代田区千代田1-1');
  });

  it('holds the birth date as YYYYMMDD in ASCII', () => {
    expect(valueOf(0xdf24)?.toString('hex')).toBe('3139393030343031');
  });

  it.each(['1', '2', '9'] as const)('holds sex code %s as one ASCII digit', (sex) => {
    const value = parseTlvs(parseTlvs(fourFactsFile({ ...APPLICANT, sex }))[0].value).find(
      (t) => t.tag === 0xdf25,
    )?.value;
    expect(value?.toString('hex')).toBe((0x30 + Number(sex)).toString(16));
  });

  it('starts with FF20 and the short length of its content', () => {
    expect(file.subarray(0, 3).toString('hex')).toBe(
      'ff20' + (file.length - 3).toString(16).padStart(2, '0'),
    );
  });

  it('given an address over 127 bytes, then DF23 and FF20 use the long length forms', () => {
    const long = fourFactsFile({ ...APPLICANT, address: { ...APPLICANT.address, line: '東'.repeat(80) } });
    const address = Buffer.from(`東京都千代田区${'東'.repeat(80)}`, 'utf8');
    expect(address.length).toBeGreaterThan(255);
    expect(long.subarray(0, 2).toString('hex')).toBe('ff20');
    expect(long[2]).toBe(0x82);
    const df23 = long.indexOf(Buffer.from([0xdf, 0x23]));
    expect(long.subarray(df23, df23 + 5).toString('hex')).toBe(
      'df2382' + address.length.toString(16).padStart(4, '0'),
    );
    expect(
      parseTlvs(parseTlvs(long)[0].value)
        .find((t) => t.tag === 0xdf23)
        ?.value.equals(address),
    ).toBe(true);
  });
});

describe('personalisationFiles', () => {
  const bundle = { applicant: APPLICANT } as PersonalisationBundle;

  it('writes EF 0001 (my number) and EF 0002 (four facts) of the text AP', () => {
    expect(personalisationFiles(bundle).map((f) => [f.application, f.fid])).toEqual([
      ['text', 0x0001],
      ['text', 0x0002],
    ]);
  });

  it('fills each file from the bundle applicant', () => {
    const [myNumber, facts] = personalisationFiles(bundle);
    expect(myNumber.content.equals(myNumberFile(APPLICANT.myNumber))).toBe(true);
    expect(facts.content.equals(fourFactsFile(APPLICANT))).toBe(true);
  });
});
