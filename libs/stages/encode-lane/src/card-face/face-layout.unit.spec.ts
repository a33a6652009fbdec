import type { PersonalisationBundle } from '@mnc/contracts';
import { faceModelOf, facePolicyFor, LEGACY_FACE_POLICY, type CardFaceModel } from './face-model';
import {
  CARD_HEIGHT,
  CARD_WIDTH,
  estimateWidth,
  FaceOverflowError,
  fitText,
  formatMyNumber,
  layoutBack,
  layoutFront,
  toHiragana,
  type FaceLayout,
} from './face-layout';

const MODEL: CardFaceModel = {
  profile: 'next-gen',
  familyName: '山田',
  givenName: '花子',
  familyNameKana: 'ヤマダ',
  givenNameKana: 'ハナコ',
  romanName: 'Yamada Hanako',
  birthDate: '1985-12-31',
  sex: '2',
  address: '大阪府大阪市北区梅田1-1',
  expiresOn: '2036-12-31',
  myNumber: '123456789012',
  notes: [],
};
const NEXT_GEN = facePolicyFor('next-gen', { sex: 'front', myNumber: 'back' });

const fields = (layout: FaceLayout) => layout.texts.map((t) => t.field);
const textOf = (layout: FaceLayout, field: string) =>
  layout.texts
    .filter((t) => t.field === field)
    .map((t) => t.text)
    .join('');

describe('layoutFront', () => {
  const front = layoutFront(MODEL, NEXT_GEN);

  it('prints the name with furigana in hiragana and the romaji in capitals', () => {
    expect(textOf(front, 'name')).toBe('山田\u3000花子');
    expect(textOf(front, 'furigana')).toBe('やまだ\u3000はなこ');
    expect(textOf(front, 'roman-name')).toBe('YAMADA HANAKO');
  });

  it('prints the birth date in the era form and, on the next-gen card, in Western form', () => {
    expect(textOf(front, 'birth-date')).toBe('昭和60年12月31日生');
    expect(textOf(front, 'birth-date-western')).toBe('31 DEC 1985');
  });

  it('prints the address, the expiry, the issuer and has a photo box', () => {
    expect(textOf(front, 'address')).toBe(MODEL.address);
    expect(textOf(front, 'expiry')).toBe('2036年12月31日まで有効');
    expect(textOf(front, 'issuer')).toBe('日本国 JAPAN');
    expect(front.photo).toBeDefined();
  });

  it('keeps every element and the photo inside the card', () => {
    for (const layout of [front, layoutBack(MODEL, NEXT_GEN)]) {
      for (const t of layout.texts) {
        const width = estimateWidth(t.text, t.size);
        const left = t.anchor === 'end' ? t.x - width : t.x;
        expect({
          field: t.field,
          inside: left >= 0 && left + width <= CARD_WIDTH && t.y <= CARD_HEIGHT && t.y - t.size >= 0,
        }).toEqual({
          field: t.field,
          inside: true,
        });
      }
    }
    const p = front.photo!;
    expect(p.x + p.width).toBeLessThanOrEqual(CARD_WIDTH);
    expect(p.y + p.height).toBeLessThanOrEqual(CARD_HEIGHT);
  });

  it('keeps the text column clear of the photo', () => {
    const p = front.photo!;
    const left = front.texts.filter((t) => t.anchor !== 'end' && t.y > p.y && t.y - t.size < p.y + p.height);
    for (const t of left) expect(t.x + estimateWidth(t.text, t.size)).toBeLessThanOrEqual(p.x);
  });

  it('given an alias and a former surname, then both are printed with the legal name', () => {
    const layout = layoutFront({ ...MODEL, alias: 'ジェーン', formerSurname: '佐藤' }, NEXT_GEN);
    expect(textOf(layout, 'name')).toContain('［旧氏 佐藤］');
    expect(textOf(layout, 'alias')).toBe('（通称 ジェーン）');
  });

  it('given no alias, former surname or romaji, then none of them appears', () => {
    const { romanName: _r, ...bare } = MODEL;
    const layout = layoutFront(bare, NEXT_GEN);
    expect(fields(layout)).not.toEqual(expect.arrayContaining(['alias']));
    expect(fields(layout)).not.toContain('roman-name');
    expect(textOf(layout, 'name')).not.toContain('旧氏');
  });

  it('given a long address, then it wraps onto more lines at a smaller size rather than leaving the card', () => {
    const long = layoutFront(
      { ...MODEL, address: '北海道札幌市中央区北一条西' + '二丁目'.repeat(12) },
      NEXT_GEN,
    );
    const lines = long.texts.filter((t) => t.field === 'address');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.map((t) => t.text).join('')).toBe('北海道札幌市中央区北一条西' + '二丁目'.repeat(12));
  });

  it('given an address too long for any size, then FaceOverflowError naming the field', () => {
    expect(() => layoutFront({ ...MODEL, address: '梅田'.repeat(200) }, NEXT_GEN)).toThrow(
      expect.objectContaining({ field: 'address' }),
    );
  });
});

describe('sex placement policy', () => {
  it.each([
    ['front', true, false],
    ['back', false, true],
    ['chip-only', false, false],
  ] as const)('sex on %s: front %p, back %p', (sex, onFront, onBack) => {
    const policy = facePolicyFor('next-gen', { sex, myNumber: 'back' });
    expect(fields(layoutFront(MODEL, policy)).includes('sex')).toBe(onFront);
    expect(fields(layoutBack(MODEL, policy)).includes('sex')).toBe(onBack);
    if (onFront) expect(textOf(layoutFront(MODEL, policy), 'sex')).toBe('性別 女');
  });
});

describe('my-number placement policy', () => {
  it('back: the number is printed in groups of four on the back, never on the front', () => {
    const policy = facePolicyFor('next-gen', { sex: 'front', myNumber: 'back' });
    expect(textOf(layoutBack(MODEL, policy), 'my-number')).toBe('1234 5678 9012');
    expect(layoutFront(MODEL, policy).texts.some((t) => t.text.includes('1234'))).toBe(false);
  });

  it('chip-only: no digit of it anywhere, and the back says where it is', () => {
    const policy = facePolicyFor('next-gen', { sex: 'front', myNumber: 'chip-only' });
    const back = layoutBack(MODEL, policy);
    expect(fields(back)).not.toContain('my-number');
    expect(back.texts.some((t) => t.text.includes('123456789012') || t.text.includes('1234 5678'))).toBe(
      false,
    );
    expect(textOf(back, 'chip-only-note')).toContain('ICチップ');
  });
});

describe("the legacy (today's) card face", () => {
  it('has sex on the front, the number on the back, notes on the front, no furigana, romaji or Western date', () => {
    const policy = facePolicyFor('legacy-rsa2048', { sex: 'chip-only', myNumber: 'chip-only' });
    expect(policy).toEqual(LEGACY_FACE_POLICY);
    const front = layoutFront({ ...MODEL, notes: ['令和8年4月1日 住所変更'] }, policy);
    expect(fields(front)).toEqual(expect.arrayContaining(['sex', 'notes-label', 'notes']));
    expect(fields(front)).not.toEqual(expect.arrayContaining(['furigana']));
    expect(fields(front)).not.toContain('roman-name');
    expect(fields(front)).not.toContain('birth-date-western');
    expect(fields(layoutBack(MODEL, policy))).toContain('my-number');
  });

  it('next-gen moves the notes to the back', () => {
    const back = layoutBack({ ...MODEL, notes: ['令和8年4月1日 住所変更'] }, NEXT_GEN);
    expect(textOf(back, 'notes')).toBe('令和8年4月1日 住所変更');
    expect(fields(layoutFront({ ...MODEL, notes: ['x'] }, NEXT_GEN))).not.toContain('notes');
  });
});

describe('helpers', () => {
  it('toHiragana turns katakana into hiragana and leaves the rest', () => {
    expect(toHiragana('ヤマダ　タロウー')).toBe('やまだ　たろうー');
  });

  it('formatMyNumber groups 12 digits in fours', () => {
    expect(formatMyNumber('123456789012')).toBe('1234 5678 9012');
  });

  it('fitText shrinks before wrapping, and throws when nothing fits', () => {
    expect(fitText('name', 'あ'.repeat(10), { size: 40, minSize: 20, maxWidth: 300, maxLines: 1 }).size).toBe(
      30,
    );
    expect(() =>
      fitText('name', 'あ'.repeat(40), { size: 40, minSize: 20, maxWidth: 300, maxLines: 1 }),
    ).toThrow(FaceOverflowError);
  });
});

describe('faceModelOf', () => {
  const bundle = {
    version: 2,
    cardProfile: 'next-gen',
    cardNumber: 'AB12CD34EF56',
    issuedOn: '2026-04-03',
    expiresOn: '2036-04-02',
    applicant: {
      familyName: '山田',
      givenName: '花子',
      familyNameKana: 'ヤマダ',
      givenNameKana: 'ハナコ',
      birthDate: '1985-12-31',
      sex: '2',
      address: { prefecture: '大阪府', municipality: '大阪市北区', line: '梅田1-1', postalCode: '5300001' },
      localGovernmentCode: '271004',
      myNumber: '123456789012',
    },
    photo: { hash: `sha256:${'0'.repeat(64)}`, size: 1, mediaType: 'image/jpeg' },
    // Only the fields the face model reads; a full bundle also carries the chip files.
  } as unknown as PersonalisationBundle;

  it('joins the address and takes the expiry from the bundle', () => {
    expect(faceModelOf(bundle)).toMatchObject({
      address: '大阪府大阪市北区梅田1-1',
      expiresOn: '2036-04-02',
      notes: [],
    });
  });

  it('takes alias, former surname and romaji when the bundle carries them', () => {
    const extended = {
      ...bundle,
      applicant: {
        ...bundle.applicant,
        alias: { name: 'ジェーン', kana: 'ジェーン' },
        formerSurname: { familyName: '佐藤', familyNameKana: 'サトウ' },
        romaji: { familyName: 'YAMADA', givenName: 'HANAKO' },
      },
    } as PersonalisationBundle;
    expect(faceModelOf(extended)).toMatchObject({
      alias: 'ジェーン',
      formerSurname: '佐藤',
      romanName: 'YAMADA HANAKO',
    });
    expect(faceModelOf(bundle)).not.toHaveProperty('alias');
  });
});
