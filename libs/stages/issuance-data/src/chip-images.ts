import sharp from 'sharp';
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

/** Draws the lines on white; the image widens beyond `minWidth` rather than clip a long name or address. */
async function textImage(lines: readonly Line[], minWidth: number): Promise<Buffer> {
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
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<g font-family="${CHIP_FONT_FAMILY}" fill="#000000">${texts.join('')}</g></svg>`;
  return sharp(Buffer.from(svg), { density: 72 })
    .greyscale()
    .png({ palette: true, colours: 4, compressionLevel: 9 })
    .toBuffer();
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

/** Resizes the accepted photo to the profile's chip image, lowering JPEG quality until it fits the limit. */
export async function chipFaceImage(photo: Buffer, profile: CardProfile): Promise<Buffer> {
  const spec = FACE_IMAGE[profile];
  let resized: ReturnType<typeof sharp>;
  try {
    const base = sharp(photo)
      .rotate()
      .resize(spec.width, spec.height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' });
    resized = spec.colour ? base.toColourspace('srgb') : base.greyscale().toColourspace('b-w');
    await resized.clone().raw().toBuffer();
  } catch {
    throw new ChipImageError('PHOTO_UNREADABLE', 'the accepted photo cannot be decoded');
  }
  // Highest quality that fits: binary search over 40..90.
  let low = MIN_JPEG_QUALITY;
  let high = 90;
  let best: Buffer | undefined;
  while (low <= high) {
    const quality = Math.floor((low + high) / 2);
    const jpeg = await resized
      .clone()
      // No metadata: sharp drops EXIF (camera, place, time) unless asked to keep it.
      .jpeg({ quality, chromaSubsampling: '4:2:0' })
      .toBuffer();
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
