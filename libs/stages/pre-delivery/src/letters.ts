import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

/**
 * The letters of pre-delivery setup, as PDF documents set in Noto Sans CJK JP:
 * - 交付通知書 (delivery notice), normal route: tells the resident that the card waits at the municipal counter;
 * - PUK通知書 (PUK letter), next-gen cards: the initial PIN unlock key, mailed separately from the card;
 * - 暗証番号通知書 (PIN letter), legacy cards: the random initial PINs the lane wrote to the card, mailed
 *   separately from the card.
 *
 * No letter carries the my number. The font file is a TrueType collection (.ttc); pdf-lib hands the bytes
 * to fontkit without a member name, so the fontkit we register opens the Japanese member by its PostScript
 * name, and the font is subset to the glyphs used (about 60 kB a letter instead of 16 MB).
 */
export const LETTER_FONT_MEMBER = 'NotoSansCJKjp-Regular';

export interface LetterRecipient {
  readonly name: string;
  readonly postalCode: string;
  readonly addressLines: readonly string[];
}

export interface DeliveryNoticeInput {
  readonly recipient: LetterRecipient;
  readonly applicationId: string;
  readonly cardNumberTail: string;
  readonly municipalityCode: string;
  readonly issuedOn: string;
  /** The counter keeps the card until this date (a Japanese calendar date). */
  readonly collectBy: string;
}

export interface PukLetterInput {
  readonly recipient: LetterRecipient;
  readonly applicationId: string;
  readonly cardNumberTail: string;
  readonly puk: string;
  readonly issuedOn: string;
}

export interface PinLetterInput {
  readonly recipient: LetterRecipient;
  readonly applicationId: string;
  readonly cardNumberTail: string;
  /** The initial user-authentication PIN (4 digits) and signature password (6-16 of A-Z, 0-9). */
  readonly userAuthenticationPin: string;
  readonly signaturePassword: string;
  readonly issuedOn: string;
}

export class LetterFont {
  private bytes?: Promise<Buffer>;
  constructor(private readonly path: string) {}
  load(): Promise<Buffer> {
    return (this.bytes ??= readFile(this.path));
  }
}

interface CffStream {
  pos: number;
  readBuffer(length: number): Uint8Array;
}
interface CffSubsetInternals {
  cff: { stream: CffStream };
  subsetSubrs(
    subrs: readonly { offset: number; length: number }[],
    used: Record<number, boolean>,
  ): Uint8Array[];
}

/**
 * A CFF subset's subroutine index keeps every slot of the source font: used subroutines are copied, unused
 * ones become a one-byte `return` (0x0B). fontkit allocates a new buffer for each unused slot, tens of
 * thousands per letter with a CJK font and most of a letter's CPU; the slots are only read when the subset
 * is written, so one shared `return` per stream serves them all and the bytes out are the same.
 */
export function subsetSubroutines(
  stream: CffStream,
  subrs: readonly { offset: number; length: number }[],
  used: Record<number, boolean>,
): Uint8Array[] {
  let unused: Uint8Array | undefined;
  return subrs.map((subr, index) => {
    if (!used[index]) {
      // fontkit's own buffer class (the writer checks for it), holding 0x0B
      unused ??= (stream.readBuffer(0).constructor as unknown as { from(bytes: number[]): Uint8Array }).from([
        0x0b,
      ]);
      return unused;
    }
    stream.pos = subr.offset;
    return stream.readBuffer(subr.length);
  });
}

const sharesUnusedSubroutines = new WeakSet<object>();
function shareUnusedSubroutines(font: ReturnType<typeof fontkit.create>): void {
  const subsetClass = Object.getPrototypeOf(font.createSubset()) as CffSubsetInternals;
  if (typeof subsetClass.subsetSubrs !== 'function' || sharesUnusedSubroutines.has(subsetClass)) return;
  subsetClass.subsetSubrs = function (this: CffSubsetInternals, subrs, used) {
    return subsetSubroutines(this.cff.stream, subrs, used);
  };
  sharesUnusedSubroutines.add(subsetClass);
}

// Parsing the 16 MB collection is most of a letter's cost; the parsed font is read-only to pdf-lib (each
// letter makes its own subset), so one parse per font file serves every letter.
const parsedFonts = new WeakMap<Uint8Array, ReturnType<typeof fontkit.create>>();
const collectionMember = {
  create: (bytes: Uint8Array) => {
    let font = parsedFonts.get(bytes);
    if (font === undefined) {
      font = fontkit.create(bytes as Buffer, LETTER_FONT_MEMBER);
      shareUnusedSubroutines(font);
      parsedFonts.set(bytes, font);
    }
    return font;
  },
} as unknown as Parameters<PDFDocument['registerFontkit']>[0];

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;

class Writer {
  private y = A4[1] - MARGIN;
  constructor(
    private readonly page: PDFPage,
    private readonly font: PDFFont,
  ) {}
  line(text: string, size = 11, gap = 6): void {
    this.y -= size;
    this.page.drawText(text, { x: MARGIN, y: this.y, size, font: this.font, color: rgb(0, 0, 0) });
    this.y -= gap;
  }
  space(points: number): void {
    this.y -= points;
  }
}

/** 2026-04-03 → 2026年4月3日 */
export function japaneseDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

function postalCode(code: string): string {
  return `〒${code.slice(0, 3)}-${code.slice(3)}`;
}

async function letter(font: LetterFont, title: string, write: (w: Writer) => void): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(collectionMember);
  doc.setTitle(title);
  doc.setProducer('mnc pre-delivery');
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  const embedded = await doc.embedFont(await font.load(), { subset: true });
  write(new Writer(doc.addPage(A4), embedded));
  return doc.save();
}

function address(w: Writer, recipient: LetterRecipient): void {
  w.line(postalCode(recipient.postalCode));
  for (const line of recipient.addressLines) w.line(line);
  w.line(`${recipient.name} 様`, 14);
  w.space(18);
}

export function renderDeliveryNotice(font: LetterFont, input: DeliveryNoticeInput): Promise<Uint8Array> {
  return letter(font, '交付通知書', (w) => {
    address(w, input.recipient);
    w.line('個人番号カード交付通知書', 18, 14);
    w.line('あなたの個人番号カードが用意できましたので、お知らせします。');
    w.line('この通知書と本人確認書類を持って、下記の交付窓口でお受け取りください。');
    w.space(12);
    w.line(`交付窓口: 市区町村コード ${input.municipalityCode} の個人番号カード交付窓口`);
    w.line(`受取期限: ${japaneseDate(input.collectBy)}`);
    w.line(`申請番号: ${input.applicationId}`);
    w.line(`カード番号(末尾4桁): ${input.cardNumberTail}`);
    w.line(`発行日: ${japaneseDate(input.issuedOn)}`);
    w.space(12);
    w.line('持参するもの: この通知書、本人確認書類、お持ちの場合は現在の個人番号カード');
    w.line('電子証明書は、窓口で本人確認のうえカードをお渡しした時点で利用可能になります。', 9);
  });
}

export function renderPukLetter(font: LetterFont, input: PukLetterInput): Promise<Uint8Array> {
  return letter(font, 'PUK通知書', (w) => {
    address(w, input.recipient);
    w.line('個人番号カード PUK(ロック解除番号)通知書', 18, 14);
    w.line('暗証番号を規定回数以上誤ってロックされた場合、このPUKで解除できます。');
    w.line('この通知書はカードとは別に郵送しています。カードと一緒に保管しないでください。');
    w.space(12);
    w.line(`PUK: ${input.puk}`, 16, 10);
    w.line(`申請番号: ${input.applicationId}`);
    w.line(`カード番号(末尾4桁): ${input.cardNumberTail}`);
    w.line(`発行日: ${japaneseDate(input.issuedOn)}`);
  });
}

export function renderPinLetter(font: LetterFont, input: PinLetterInput): Promise<Uint8Array> {
  return letter(font, '暗証番号通知書', (w) => {
    address(w, input.recipient);
    w.line('個人番号カード 電子証明書の暗証番号通知書', 18, 14);
    w.line('あなたの個人番号カードに設定した初期暗証番号をお知らせします。');
    w.line('この通知書はカードとは別に郵送しています。カードと一緒に保管しないでください。');
    w.line('カードを受け取ったら、暗証番号を変更してください。');
    w.space(12);
    w.line(`利用者証明用電子証明書の暗証番号(数字4桁): ${input.userAuthenticationPin}`, 14, 10);
    w.line(`署名用電子証明書の暗証番号(英数字): ${input.signaturePassword}`, 14, 10);
    w.space(6);
    w.line(`申請番号: ${input.applicationId}`);
    w.line(`カード番号(末尾4桁): ${input.cardNumberTail}`);
    w.line(`発行日: ${japaneseDate(input.issuedOn)}`);
    w.line('暗証番号を規定回数以上誤るとロックされます。解除は市区町村の窓口で行えます。', 9);
  });
}
