import sharp, { type OverlayOptions } from 'sharp';
import type { FaceLayout, TextElement } from './face-layout';

/**
 * Draws a laid-out face as PNG: the text as SVG in Noto Sans CJK JP (Debian fonts-noto-cjk, found through
 * fontconfig by librsvg), the photo composited into its box. Security printing (pearl ink, guilloche,
 * laser engraving) is the physical printer's business, not the image's.
 */
export const FACE_FONT_FAMILY = 'Noto Sans CJK JP';
const BACKGROUND = { front: '#eef4f0', back: '#f3f1ea' } as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.codePointAt(0)};`);
}

function textElement(element: TextElement): string {
  return (
    `<text x="${element.x}" y="${element.y}" font-size="${element.size}"` +
    (element.bold ? ' font-weight="bold"' : '') +
    (element.anchor === 'end' ? ' text-anchor="end"' : '') +
    `>${escapeXml(element.text)}</text>`
  );
}

export function faceSvg(layout: FaceLayout): string {
  const photoFrame = layout.photo
    ? `<rect x="${layout.photo.x - 2}" y="${layout.photo.y - 2}" width="${layout.photo.width + 4}" height="${layout.photo.height + 4}" fill="#ffffff" stroke="#7a8c80" stroke-width="2"/>`
    : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">`,
    `<rect width="100%" height="100%" rx="36" fill="${BACKGROUND[layout.side]}"/>`,
    photoFrame,
    `<g font-family="${FACE_FONT_FAMILY}" fill="#1a1a1a">`,
    ...layout.texts.map(textElement),
    '</g></svg>',
  ].join('');
}

export async function renderFace(layout: FaceLayout, photo?: Buffer): Promise<Buffer> {
  const composites: OverlayOptions[] = [];
  if (layout.photo && photo) {
    const fitted = await sharp(photo)
      .resize(layout.photo.width, layout.photo.height, { fit: 'cover', position: 'centre' })
      .png()
      .toBuffer();
    composites.push({ input: fitted, left: layout.photo.x, top: layout.photo.y });
  }
  return sharp(Buffer.from(faceSvg(layout)), { density: 72 })
    .composite(composites)
    .png()
    .toBuffer();
}
