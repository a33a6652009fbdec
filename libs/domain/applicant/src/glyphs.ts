/**
 * Whether the card's print font has a glyph for a code point. The coverage is read from the font file by the
 * service at startup; this library only asks, so it stays pure.
 */
export interface GlyphCoverage {
  has(codePoint: number): boolean;
}

/** A printed field with characters the font cannot render: the application goes to a person for review. */
export interface UnprintableField {
  readonly field: string;
  /** The missing code points as U+XXXX, for the reviewer; never logged. */
  readonly codePoints: readonly string[];
}

/** Characters that need no glyph of their own: spaces between name parts. */
const NOT_PRINTED = new Set([0x20, 0x3000]);

export function missingGlyphs(text: string, coverage: GlyphCoverage): string[] {
  const missing = new Set<string>();
  for (const character of text) {
    const codePoint = character.codePointAt(0)!;
    if (NOT_PRINTED.has(codePoint) || coverage.has(codePoint)) continue;
    missing.add(`U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return [...missing];
}

/** Each printed field (`field` → text) whose text has a character the font lacks, with those characters. */
export function unprintableFields(
  printed: Readonly<Record<string, string | undefined>>,
  coverage: GlyphCoverage,
): UnprintableField[] {
  const result: UnprintableField[] = [];
  for (const [field, text] of Object.entries(printed)) {
    if (text === undefined) continue;
    const codePoints = missingGlyphs(text, coverage);
    if (codePoints.length > 0) result.push({ field, codePoints });
  }
  return result;
}
