import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import type { GlyphCoverage } from '@mnc/domain-applicant';

export const CARD_FONT_COVERAGE = Symbol('CARD_FONT_COVERAGE');

export class CardFontError extends Error {
  override readonly name = 'CardFontError';
}

interface FontLike {
  readonly postscriptName?: string;
  readonly characterSet: number[];
}

/**
 * Reads the code points the card's print font maps to glyphs (its cmap), once at startup. `spec` is a font
 * file path, and for a collection (.ttc) `#PostScriptName` of the face to use.
 */
export function loadGlyphCoverage(
  spec: string,
): GlyphCoverage & { readonly size: number; readonly font: string } {
  const [path, faceName] = spec.split('#') as [string, string | undefined];
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new CardFontError(
      `MNC_CARD_FONT: cannot read the card font ${path} (Debian: apt-get install fonts-noto-cjk)`,
    );
  }
  const opened = fontkit.create(bytes) as unknown as FontLike | { fonts: FontLike[] };
  const faces = 'fonts' in opened ? opened.fonts : [opened];
  const face = faceName ? faces.find((f) => f.postscriptName === faceName) : faces[0];
  if (!face) throw new CardFontError(`MNC_CARD_FONT: ${path} has no face named ${faceName ?? '(any)'}`);
  const codePoints = new Set(face.characterSet);
  return {
    has: (codePoint) => codePoints.has(codePoint),
    size: codePoints.size,
    font: face.postscriptName ?? path,
  };
}

/** The default card font (Noto Sans CJK JP), for tools and benchmarks that run without the service's config. */
export const DEFAULT_CARD_FONT =
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKjp-Regular';

export function loadCardFontCoverage(spec: string = DEFAULT_CARD_FONT): GlyphCoverage {
  return loadGlyphCoverage(spec);
}
