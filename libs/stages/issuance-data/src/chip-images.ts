import sharp, { type OutputInfo } from 'sharp';
import type { ApplicantRecord } from '@mnc/contracts';
import { addressLine, type CardProfile, type ChipImages } from '@mnc/domain-issuance';

/**
 * The images the visual (card-face confirmation) AP holds: name, address, my number and security code drawn
 * as text images in Noto Sans CJK JP (Debian fonts-noto-cjk, found by librsvg through fontconfig), and the
 * face image. Text images are 4-level greyscale PNGs: black text on white needs no more, and the chip's
 * space is scarce.
 */
export const CHIP_FONT_FAMILY = 'Noto Sans CJK JP';

/** Face image per profile. Legacy: greyscale (today's card stores greyscale JPEG 2000; see the docs). */
export const FACE_IMAGE = {
  'legacy-rsa2048': { width: 210, height: 270, maxBytes: 10_000, colour: false },
  // The paper's reference: IC passports store JPEG, 24-bit colour, 540 x 420 (height x width), ≤ 24 kB.
  'next-gen': { width: 420, height: 540, maxBytes: 24_000, colour: true },
} as const satisfies Record<
  CardProfile,
  { width: number; height: number; maxBytes: number; colour: boolean }
>;

/** Lowest JPEG quality tried before giving up: below it a person should look at the photo. */
const MIN_JPEG_QUALITY = 40;

/** Permanent: the same photo fails the same way; photo screening must send a new one. */
export class ChipImageError extends Error {
  override readonly name = 'ChipImageError';
  readonly permanent = true;
  constructor(
    readonly code: 'PHOTO_UNREADABLE' | 'PHOTO_TOO_LARGE_FOR_CHIP',
    message: string,
  ) {
    super(message);
  }
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (ch) => `&#${ch.codePointAt(0)};`);

interface Line {
  readonly text: string;
  readonly size: number;
}

/** Rough advance of a line: full width for CJK and kana, about 0.6 em for Latin letters and digits. */
function estimatedWidth(line: Line): number {
  let ems = 0;
  for (const ch of line.text) ems += (ch.codePointAt(0) ?? 0) < 0x2e80 ? 0.6 : 1;
  return Math.ceil(ems * line.size);
}

/** The SVG of a text image: the lines in black on white; wider than `minWidth` rather than clip a long line. */
export function textSvg(lines: readonly Line[], minWidth: number): Buffer {
  const padding = 8;
  const width = Math.max(minWidth, ...lines.map((line) => estimatedWidth(line) + 2 * padding));
  let y = padding;
  const texts = lines.map((line) => {
    y += line.size;
    const element = `<text x="${padding}" y="${y - Math.round(line.size * 0.18)}" font-size="${line.size}">${escapeXml(line.text)}</text>`;
    y += 4;
    return element;
  });
  const height = y + padding;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="100%" height="100%" fill="#ffffff"/>` +
      `<g font-family="${CHIP_FONT_FAMILY}" fill="#000000">${texts.join('')}</g></svg>`,
  );
}

let textDrawnGrey: Promise<boolean> | undefined;

/**
 * Whether one channel of a rendered text image is exactly its greyscale: true when librsvg antialiases
 * in grey (every pixel R = G = B, opaque) and libvips maps grey sRGB to the same B_W value. The greyscale
 * conversion goes through float scRGB and was half the cost of a text image; copying a channel is free.
 * Checked once per process, on a probe drawn like the real images and on every grey level, because a
 * fontconfig set up for subpixel (coloured) antialiasing or another libvips could break either part.
 */
function textDrawnInGrey(): Promise<boolean> {
  textDrawnGrey ??= (async () => {
    const probe = textSvg(
      [14, 16, 20, 28].map((size) => ({ text: 'ヤマダ　山田［佐藤］花子 通称 YAMADA 0123 4567', size })),
      96,
    );
    const drawn = await sharp(probe, { density: 72 }).raw().toBuffer({ resolveWithObject: true });
    if (drawn.info.channels !== 4) return false;
    const { data } = drawn;
    let inked = false;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[i + 1] || data[i] !== data[i + 2] || data[i + 3] !== 255) return false;
      if (data[i] !== 255) inked = true;
    }
    const levels = Buffer.alloc(256 * 4, 255);
    for (let v = 0; v < 256; v += 1) levels.fill(v, 4 * v, 4 * v + 3);
    const grey = await sharp(levels, { raw: { width: 256, height: 1, channels: 4 } })
      .greyscale()
      .raw()
      .toBuffer();
    return inked && grey.length === 256 && grey.every((value, v) => value === v);
  })().catch(() => false);
  return textDrawnGrey;
}

/** A text image: 4-level palette PNG of the lines, greyscale. */
export async function textImage(lines: readonly Line[], minWidth: number): Promise<Buffer> {
  const drawn = sharp(textSvg(lines, minWidth), { density: 72 });
  const grey = (await textDrawnInGrey()) ? drawn.extractChannel(0) : drawn.greyscale();
  return grey.png({ palette: true, colours: 4, compressionLevel: 9 }).toBuffer();
}

/** Splits text into lines of at most `perLine` code points (addresses have no spaces to break at). */
function wrap(text: string, perLine: number): string[] {
  const chars = [...text];
  const lines: string[] = [];
  for (let i = 0; i < chars.length; i += perLine) lines.push(chars.slice(i, i + perLine).join(''));
  return lines.length ? lines : [''];
}

/**
 * The name as the face shows it: legal name; 旧氏 in brackets after the family name when requested; the
 * alias (通称) on its own line. Next-gen adds the furigana above and the passport romaji below (the paper:
 * furigana becomes a printed item, romaji moves from the notes field to the face).
 */
export function nameLines(applicant: ApplicantRecord, profile: CardProfile): Line[] {
  const former = applicant.formerSurname ? `［${applicant.formerSurname.familyName}］` : '';
  const lines: Line[] = [];
  if (profile === 'next-gen')
    lines.push({ text: `${applicant.familyNameKana}\u3000${applicant.givenNameKana}`, size: 14 });
  lines.push({ text: `${applicant.familyName}${former}\u3000${applicant.givenName}`, size: 28 });
  if (applicant.alias) lines.push({ text: `通称\u3000${applicant.alias.name}`, size: 20 });
  if (profile === 'next-gen' && applicant.romaji)
    lines.push({ text: `${applicant.romaji.familyName} ${applicant.romaji.givenName}`, size: 16 });
  return lines;
}

/**
 * Resizes the accepted photo to the profile's chip image, lowering JPEG quality until it fits the limit. The
 * photo is decoded and resized once and each quality tried encodes those pixels: a sharp clone per try would
 * decode and resize the photo again every time.
 */
export async function chipFaceImage(photo: Buffer, profile: CardProfile): Promise<Buffer> {
  const spec = FACE_IMAGE[profile];
  let resized: ReturnType<typeof sharp>;
  let pixels: { data: Buffer; info: OutputInfo };
  try {
    const base = sharp(photo)
      .rotate()
      .resize(spec.width, spec.height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' });
    resized = spec.colour ? base.toColourspace('srgb') : base.greyscale().toColourspace('b-w');
    pixels = await resized.clone().raw().toBuffer({ resolveWithObject: true });
  } catch {
    throw new ChipImageError('PHOTO_UNREADABLE', 'the accepted photo cannot be decoded');
  }
  const { width, height, channels, hasAlpha } = pixels.info;
  // The JPEG save flattens alpha onto black, which raw greyscale output has already dropped: a photo with
  // alpha (never a JPEG) goes through the whole pipeline per try, and so would pixels that are not 8-bit.
  // Raw pixels carry no colourspace, hence the explicit one (else a greyscale face gets three channels).
  const eightBit = pixels.data.length === width * height * channels;
  const source = () =>
    hasAlpha || !eightBit
      ? resized.clone()
      : sharp(pixels.data, { raw: { width, height, channels } }).toColourspace(spec.colour ? 'srgb' : 'b-w');
  // No metadata: sharp writes none unless asked to keep it, so no EXIF (camera, place, time) reaches the chip.
  const encode = (quality: number) => source().jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
  // Highest quality that fits: binary search over 40..90.
  let low = MIN_JPEG_QUALITY;
  let high = 90;
  let best: Buffer | undefined;
  while (low <= high) {
    const quality = Math.floor((low + high) / 2);
    const jpeg = await encode(quality);
    if (jpeg.length <= spec.maxBytes) {
      best = jpeg;
      low = quality + 1;
    } else high = quality - 1;
  }
  if (!best)
    throw new ChipImageError(
      'PHOTO_TOO_LARGE_FOR_CHIP',
      `the photo does not fit ${spec.maxBytes} bytes at JPEG quality ${MIN_JPEG_QUALITY}`,
    );
  return best;
}

export async function renderChipImages(
  applicant: ApplicantRecord,
  securityCode: string,
  photo: Buffer,
  profile: CardProfile,
): Promise<ChipImages> {
  const myNumber = applicant.myNumber.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');
  const [name, address, myNumberImage, securityCodeImage, face] = await Promise.all([
    textImage(nameLines(applicant, profile), 512),
    textImage(
      wrap(addressLine(applicant), 22).map((text) => ({ text, size: 20 })),
      480,
    ),
    textImage([{ text: myNumber, size: 28 }], 256),
    textImage([{ text: securityCode, size: 28 }], 96),
    chipFaceImage(photo, profile),
  ]);
  return { name, address, myNumber: myNumberImage, securityCode: securityCodeImage, photo: face };
}
