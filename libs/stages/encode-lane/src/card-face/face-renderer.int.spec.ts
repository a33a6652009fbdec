// Renders with the real sharp/librsvg and the Debian Noto CJK font (fonts-noto-cjk).
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { facePolicyFor, type CardFaceModel } from './face-model';
import { CARD_HEIGHT, CARD_WIDTH, layoutBack, layoutFront, type FaceLayout } from './face-layout';
import { faceSvg, renderFace } from './face-renderer';

const FONT_FILE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const MODEL: CardFaceModel = {
  profile: 'next-gen',
  familyName: '山田',
  givenName: '花子',
  familyNameKana: 'ヤマダ',
  givenNameKana: 'ハナコ',
  romanName: 'YAMADA HANAKO',
  birthDate: '1985-12-31',
  sex: '2',
  address: '大阪府大阪市北区梅田1-1',
  expiresOn: '2036-12-31',
  myNumber: '123456789012',
  notes: [],
};
const POLICY = facePolicyFor('next-gen', { sex: 'front', myNumber: 'back' });

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

/** Pixels in a box that differ from the box's top-left pixel (the background). */
async function ink(
  png: Buffer,
  box: { x: number; y: number; width: number; height: number },
): Promise<number> {
  const { data, info } = await pixels(png);
  const at = (x: number, y: number) => (y * info.width + x) * info.channels;
  const bg = data.subarray(at(box.x, box.y), at(box.x, box.y) + 3);
  let count = 0;
  for (let y = box.y; y < box.y + box.height; y++)
    for (let x = box.x; x < box.x + box.width; x++) {
      const p = at(x, y);
      if (Math.abs(data[p] - bg[0]) + Math.abs(data[p + 1] - bg[1]) + Math.abs(data[p + 2] - bg[2]) > 60)
        count++;
    }
  return count;
}

const only = (layout: FaceLayout, text: string, fontFamily?: string): Buffer => {
  const svg = faceSvg({
    ...layout,
    texts: [{ field: 'name', text, x: 40, y: 150, size: 80 }],
    photo: undefined,
  });
  return Buffer.from(fontFamily ? svg.replace(/font-family="[^"]+"/, `font-family="${fontFamily}"`) : svg);
};

describe('renderFace', () => {
  it('the Debian Noto CJK font is installed', () => {
    expect(existsSync(FONT_FILE)).toBe(true);
  });

  it('renders the front as a PNG of the card size with ink where the text and photo are', async () => {
    const photo = await sharp({ create: { width: 413, height: 531, channels: 3, background: '#3060a0' } })
      .jpeg()
      .toBuffer();
    const layout = layoutFront(MODEL, POLICY);
    const png = await renderFace(layout, photo);
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: CARD_WIDTH, height: CARD_HEIGHT });
    const name = layout.texts.find((t) => t.field === 'name')!;
    expect(
      await ink(png, { x: name.x, y: name.y - name.size, width: 200, height: name.size }),
    ).toBeGreaterThan(300);
    const p = layout.photo!;
    const { data, info } = await pixels(png);
    const centre =
      (Math.floor(p.y + p.height / 2) * info.width + Math.floor(p.x + p.width / 2)) * info.channels;
    expect([data[centre], data[centre + 1], data[centre + 2]].map((v) => Math.round(v / 16))).toEqual([
      3, 6, 10,
    ]);
    // The empty band between the photo and the card's edge stays background.
    expect(await ink(png, { x: p.x + p.width + 8, y: p.y, width: 20, height: p.height })).toBe(0);
  });

  it('renders the back with the my number', async () => {
    const layout = layoutBack(MODEL, POLICY);
    const png = await renderFace(layout);
    const number = layout.texts.find((t) => t.field === 'my-number')!;
    expect(
      await ink(png, { x: number.x, y: number.y - number.size, width: 400, height: number.size }),
    ).toBeGreaterThan(500);
  });

  it('draws Japanese glyphs with the CJK font: not blank, and not the empty boxes of a font without them', async () => {
    const layout = layoutFront(MODEL, POLICY);
    const box = { x: 30, y: 50, width: 600, height: 120 };
    const kanji = await sharp(only(layout, '日本国氏名住所')).png().toBuffer();
    const blank = await sharp(only(layout, '')).png().toBuffer();
    expect(await ink(blank, box)).toBe(0);
    const kanjiInk = await ink(kanji, box);
    expect(kanjiInk).toBeGreaterThan(2000);
    // Different characters give different glyphs (a missing font would draw the same box for each).
    const other = await sharp(only(layout, '一一一一一一一')).png().toBuffer();
    expect(Math.abs((await ink(other, box)) - kanjiInk)).toBeGreaterThan(1000);
  });
});
