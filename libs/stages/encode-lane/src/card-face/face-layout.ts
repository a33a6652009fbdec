import { eraDate, passportDate } from './japanese-era';
import { ISSUER, type CardFaceModel, type FacePolicy } from './face-model';

/**
 * The card face as positioned elements: pure, so what goes where (and what is left off by policy) is
 * tested without rendering. Units are pixels of an ID-1 card (85.60 × 53.98 mm) at 300 dpi.
 */
export const CARD_WIDTH = 1011;
export const CARD_HEIGHT = 638;

export type FaceField =
  | 'title'
  | 'name-label'
  | 'name'
  | 'furigana'
  | 'alias'
  | 'former-surname'
  | 'roman-name'
  | 'address-label'
  | 'address'
  | 'birth-date'
  | 'birth-date-western'
  | 'sex'
  | 'expiry'
  | 'issuer'
  | 'notes-label'
  | 'notes'
  | 'my-number-label'
  | 'my-number'
  | 'chip-only-note';

export interface TextElement {
  readonly field: FaceField;
  readonly text: string;
  /** Left edge (anchor start) or right edge (anchor end). */
  readonly x: number;
  /** Baseline. */
  readonly y: number;
  readonly size: number;
  readonly bold?: boolean;
  readonly anchor?: 'start' | 'end';
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface FaceLayout {
  readonly side: 'front' | 'back';
  readonly width: number;
  readonly height: number;
  readonly texts: readonly TextElement[];
  /** Where the photo goes (front only). */
  readonly photo?: Box;
}

export class FaceOverflowError extends Error {
  override readonly name = 'FaceOverflowError';
  constructor(readonly field: FaceField) {
    super(`the ${field} does not fit its area on the card face even at the smallest type size`);
  }
}

/** Full-width (CJK, kana, full-width forms) take about one em in Noto Sans CJK; Latin about 0.6 em. */
export function estimateWidth(text: string, size: number): number {
  let ems = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    ems += code >= 0x1100 && !(code >= 0xff61 && code <= 0xff9f) ? 1 : 0.6;
  }
  return ems * size;
}

interface FitOptions {
  readonly size: number;
  readonly minSize: number;
  readonly maxWidth: number;
  readonly maxLines: number;
}

/** The largest size from `size` down to `minSize` at which the text fits in maxLines lines of maxWidth. */
export function fitText(
  field: FaceField,
  text: string,
  options: FitOptions,
): { size: number; lines: string[] } {
  for (let size = options.size; size >= options.minSize; size -= 2) {
    const lines = wrap(text, size, options.maxWidth);
    if (lines.length <= options.maxLines) return { size, lines };
  }
  throw new FaceOverflowError(field);
}

function wrap(text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (line !== '' && estimateWidth(line + ch, size) > maxWidth) {
      lines.push(line);
      line = ch === ' ' || ch === '\u3000' ? '' : ch;
    } else {
      line += ch;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Furigana are printed in hiragana; the bundle holds katakana. */
export function toHiragana(katakana: string): string {
  return [...katakana]
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      return code >= 0x30a1 && code <= 0x30f6 ? String.fromCodePoint(code - 0x60) : ch;
    })
    .join('');
}

const SEX_TEXT: Record<CardFaceModel['sex'], string> = { '1': '男', '2': '女', '9': '―' };

export function formatMyNumber(myNumber: string): string {
  return myNumber.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');
}

const LEFT = 40;
const VALUE_X = 130;
const PHOTO: Box = { x: 735, y: 110, width: 236, height: 303 };
const FRONT_TEXT_WIDTH = PHOTO.x - VALUE_X - 20;

function lines(
  field: FaceField,
  fitted: { size: number; lines: string[] },
  x: number,
  y: number,
  lineHeight = 1.25,
): TextElement[] {
  return fitted.lines.map((text, i) => ({
    field,
    text,
    x,
    y: Math.round(y + i * fitted.size * lineHeight),
    size: fitted.size,
  }));
}

function notesBlock(model: CardFaceModel, top: number, bottom: number, width: number): TextElement[] {
  const out: TextElement[] = [{ field: 'notes-label', text: '追記欄', x: LEFT, y: top, size: 18 }];
  if (model.notes.length === 0) return out;
  const fitted = fitText('notes', model.notes.join('\u3000'), {
    size: 20,
    minSize: 14,
    maxWidth: width,
    maxLines: Math.max(1, Math.floor((bottom - top) / 20)),
  });
  return [...out, ...lines('notes', fitted, LEFT, top + fitted.size + 8, 1.2)];
}

function nameLine(model: CardFaceModel): string {
  return `${model.familyName}\u3000${model.givenName}`;
}

export function layoutFront(model: CardFaceModel, policy: FacePolicy): FaceLayout {
  const texts: TextElement[] = [
    { field: 'title', text: '個人番号カード', x: LEFT, y: 52, size: 26, bold: true },
    { field: 'name-label', text: '氏名', x: LEFT, y: 150, size: 20 },
  ];
  const formerSurname = model.formerSurname ? `［旧氏 ${model.formerSurname}］` : '';
  const name = fitText('name', nameLine(model) + formerSurname, {
    size: 44,
    minSize: 26,
    maxWidth: FRONT_TEXT_WIDTH,
    maxLines: 1,
  });
  texts.push(...lines('name', name, VALUE_X, 150));
  if (policy.furigana && (model.familyNameKana || model.givenNameKana)) {
    const reading = toHiragana(`${model.familyNameKana ?? ''}\u3000${model.givenNameKana ?? ''}`.trim());
    const furigana = fitText('furigana', reading, {
      size: 18,
      minSize: 12,
      maxWidth: FRONT_TEXT_WIDTH,
      maxLines: 1,
    });
    texts.push(...lines('furigana', furigana, VALUE_X, 150 - name.size - 4));
  }
  let y = 150 + 36;
  if (model.alias) {
    const alias = fitText('alias', `（通称 ${model.alias}）`, {
      size: 24,
      minSize: 16,
      maxWidth: FRONT_TEXT_WIDTH,
      maxLines: 1,
    });
    texts.push(...lines('alias', alias, VALUE_X, y));
    y += 32;
  }
  if (policy.romanName && model.romanName) {
    const roman = fitText('roman-name', model.romanName.toUpperCase(), {
      size: 24,
      minSize: 16,
      maxWidth: FRONT_TEXT_WIDTH,
      maxLines: 1,
    });
    texts.push(...lines('roman-name', roman, VALUE_X, y));
    y += 32;
  }
  const addressTop = Math.max(y + 30, 250);
  texts.push({ field: 'address-label', text: '住所', x: LEFT, y: addressTop, size: 20 });
  const address = fitText('address', model.address, {
    size: 28,
    minSize: 18,
    maxWidth: FRONT_TEXT_WIDTH,
    maxLines: 3,
  });
  texts.push(...lines('address', address, VALUE_X, addressTop));
  const birthY = 430;
  texts.push({ field: 'birth-date', text: `${eraDate(model.birthDate)}生`, x: LEFT, y: birthY, size: 26 });
  if (policy.westernBirthDate) {
    texts.push({
      field: 'birth-date-western',
      text: passportDate(model.birthDate),
      x: LEFT,
      y: birthY + 34,
      size: 22,
    });
  }
  if (policy.sex === 'front') {
    texts.push({ field: 'sex', text: `性別 ${SEX_TEXT[model.sex]}`, x: 440, y: birthY, size: 26 });
  }
  texts.push({
    field: 'expiry',
    text: `${model.expiresOn.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1年$2月$3日')}まで有効`,
    x: PHOTO.x + PHOTO.width,
    y: PHOTO.y + PHOTO.height + 40,
    size: 22,
    anchor: 'end',
  });
  if (policy.notesOn === 'front') texts.push(...notesBlock(model, 500, 585, PHOTO.x - LEFT - 20));
  texts.push({
    field: 'issuer',
    text: ISSUER,
    x: CARD_WIDTH - LEFT,
    y: 612,
    size: 22,
    bold: true,
    anchor: 'end',
  });
  return { side: 'front', width: CARD_WIDTH, height: CARD_HEIGHT, texts, photo: PHOTO };
}

export function layoutBack(model: CardFaceModel, policy: FacePolicy): FaceLayout {
  const texts: TextElement[] = [];
  const width = CARD_WIDTH - 2 * LEFT;
  if (policy.myNumber === 'back') {
    texts.push({ field: 'my-number-label', text: '個人番号', x: LEFT, y: 80, size: 22 });
    texts.push({
      field: 'my-number',
      text: formatMyNumber(model.myNumber),
      x: LEFT,
      y: 150,
      size: 56,
      bold: true,
    });
  } else {
    texts.push({
      field: 'chip-only-note',
      text: '個人番号はICチップに記録されています',
      x: LEFT,
      y: 110,
      size: 24,
    });
  }
  texts.push({ field: 'name-label', text: '氏名', x: LEFT, y: 230, size: 20 });
  texts.push(
    ...lines(
      'name',
      fitText('name', nameLine(model), { size: 32, minSize: 20, maxWidth: width - 90, maxLines: 1 }),
      VALUE_X,
      230,
    ),
  );
  texts.push({ field: 'birth-date', text: `${eraDate(model.birthDate)}生`, x: LEFT, y: 285, size: 24 });
  if (policy.westernBirthDate) {
    texts.push({
      field: 'birth-date-western',
      text: passportDate(model.birthDate),
      x: 400,
      y: 285,
      size: 22,
    });
  }
  if (policy.sex === 'back') {
    texts.push({ field: 'sex', text: `性別 ${SEX_TEXT[model.sex]}`, x: 700, y: 285, size: 24 });
  }
  if (policy.notesOn === 'back') texts.push(...notesBlock(model, 360, 570, width));
  texts.push({
    field: 'issuer',
    text: ISSUER,
    x: CARD_WIDTH - LEFT,
    y: 612,
    size: 22,
    bold: true,
    anchor: 'end',
  });
  return { side: 'back', width: CARD_WIDTH, height: CARD_HEIGHT, texts };
}
