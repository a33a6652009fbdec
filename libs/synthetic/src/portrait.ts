import sharp from 'sharp';
import { pick, type Rng, rngFrom } from './rng';

export interface SyntheticPortraitOptions {
  /** Output size in pixels; defaults 600×800. The face keeps its proportions and is centred. */
  readonly width?: number;
  readonly height?: number;
  /** JPEG quality 1-100; default 90. */
  readonly quality?: number;
}

export interface SyntheticPortrait {
  readonly bytes: Buffer;
  readonly mediaType: 'image/jpeg';
  readonly width: number;
  readonly height: number;
}

// Light, plain backgrounds as the photo rules ask for.
const BACKGROUNDS = ['#f4f4f2', '#eef2f6', '#f3efe6', '#e9eef0'];
// Skin tones whose CIELAB a*, b* fall inside the "natural colour" band of ISO/IEC 29794-5 (a* 5-25, b* 5-35).
const SKIN_TONES = [
  '#f3cfb3',
  '#f1c6a6',
  '#e8b896',
  '#e0b08e',
  '#deaa88',
  '#d29b78',
  '#c48a66',
  '#b97e5b',
  '#a86f4e',
];
const HAIR_COLOURS = ['#1b1612', '#2b211b', '#3a2a1f', '#4a3626', '#6b6460', '#9a9590'];
const EYE_COLOURS = ['#3b2618', '#4a311f', '#2a1d14'];
const CLOTHES = ['#2f3e56', '#3d3d3d', '#5a2e35', '#2e4a3a', '#6b6f78', '#ffffff'];

/**
 * A synthetic face photo: plain light background, one frontal face, open eyes, closed mouth, shoulders.
 * Proportions follow the ICAO-style rules photo screening will check on the default 600×800 canvas:
 * crown ≈ y 85 and chin ≈ y 675 (head ≈ 74% of the height), eye line ≈ 55% of the height from the bottom,
 * about 124 px between eye centres. Deterministic: the same random draws give byte-identical JPEGs.
 */
export async function syntheticPortrait(
  seedOrRng: number | Rng,
  options: SyntheticPortraitOptions = {},
): Promise<SyntheticPortrait> {
  const width = options.width ?? 600;
  const height = options.height ?? 800;
  const quality = options.quality ?? 90;
  const svg = portraitSvg(rngFrom(seedOrRng), width, height);
  const bytes = await sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).jpeg({ quality }).toBuffer();
  return { bytes, mediaType: 'image/jpeg', width, height };
}

/** Scales an #rrggbb colour's channels by `factor` (clamped): soft light on a rounded face, as in a photo. */
function shade(hex: string, factor: number): string {
  const channel = (i: number) =>
    Math.min(255, Math.round(parseInt(hex.slice(i, i + 2), 16) * factor))
      .toString(16)
      .padStart(2, '0');
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

/** The SVG behind {@link syntheticPortrait}, drawn in a 600×800 view box. */
export function portraitSvg(rng: Rng, width = 600, height = 800): string {
  // Draw every random choice first and in a fixed order, so the output size never changes the face.
  const background = pick(rng, BACKGROUNDS);
  const skin = pick(rng, SKIN_TONES);
  const hair = pick(rng, HAIR_COLOURS);
  const eye = pick(rng, EYE_COLOURS);
  const clothes = pick(rng, CLOTHES);
  const jitter = (amplitude: number) => Math.round((rng() * 2 - 1) * amplitude);
  const faceRx = 175 + jitter(10);
  const faceRy = 262 + jitter(8);
  const eyeY = 362 + jitter(6);
  const eyeGap = 62 + jitter(4);
  const mouthY = 560 + jitter(8);
  const mouthHalf = 42 + jitter(6);
  const hairVolume = 22 + jitter(10);

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 600 800">
  <rect x="-5000" y="-5000" width="10600" height="10800" fill="${background}"/>
  <path d="M0,800 C10,700 120,660 230,650 L370,650 C480,660 590,700 600,800 Z" fill="${clothes}"/>
  <rect x="250" y="560" width="100" height="120" rx="30" fill="${skin}"/>
  <rect x="250" y="600" width="100" height="80" fill="#000" opacity="0.08"/>
  <ellipse cx="300" cy="${340 - hairVolume / 2}" rx="${faceRx + hairVolume}" ry="${250 + hairVolume / 2}" fill="${hair}"/>
  <ellipse cx="${300 - faceRx + 4}" cy="390" rx="22" ry="44" fill="${skin}"/>
  <ellipse cx="${300 + faceRx - 4}" cy="390" rx="22" ry="44" fill="${skin}"/>
  <defs>
    <radialGradient id="face-light" cx="50%" cy="42%" r="62%">
      <stop offset="0" stop-color="${shade(skin, 1.06)}"/>
      <stop offset="1" stop-color="${shade(skin, 0.8)}"/>
    </radialGradient>
  </defs>
  <ellipse cx="300" cy="413" rx="${faceRx}" ry="${faceRy}" fill="url(#face-light)"/>
  <path d="M${300 - faceRx - 2},330 C${300 - faceRx},40 ${300 + faceRx},40 ${300 + faceRx + 2},330 C${300 + faceRx / 2},215 ${300 - faceRx / 2},215 ${300 - faceRx - 2},330 Z" fill="${hair}"/>
  <g stroke="${hair}" stroke-width="9" stroke-linecap="round" fill="none">
    <path d="M${300 - eyeGap - 34},${eyeY - 38} Q${300 - eyeGap},${eyeY - 50} ${300 - eyeGap + 32},${eyeY - 38}"/>
    <path d="M${300 + eyeGap - 32},${eyeY - 38} Q${300 + eyeGap},${eyeY - 50} ${300 + eyeGap + 34},${eyeY - 38}"/>
  </g>
  <g>
    <ellipse cx="${300 - eyeGap}" cy="${eyeY}" rx="30" ry="15" fill="#ece9e4"/>
    <ellipse cx="${300 + eyeGap}" cy="${eyeY}" rx="30" ry="15" fill="#ece9e4"/>
    <circle cx="${300 - eyeGap}" cy="${eyeY}" r="12" fill="${eye}"/>
    <circle cx="${300 + eyeGap}" cy="${eyeY}" r="12" fill="${eye}"/>
    <circle cx="${300 - eyeGap}" cy="${eyeY}" r="5.5" fill="#050505"/>
    <circle cx="${300 + eyeGap}" cy="${eyeY}" r="5.5" fill="#050505"/>
    <circle cx="${300 - eyeGap + 4}" cy="${eyeY - 4}" r="2.5" fill="#ffffff"/>
    <circle cx="${300 + eyeGap + 4}" cy="${eyeY - 4}" r="2.5" fill="#ffffff"/>
  </g>
  <path d="M300,${eyeY + 20} C296,${eyeY + 70} 284,${eyeY + 100} 286,${eyeY + 112} Q300,${eyeY + 122} 316,${eyeY + 112}" stroke="#000" stroke-opacity="0.22" stroke-width="5" fill="none" stroke-linecap="round"/>
  <ellipse cx="288" cy="${eyeY + 114}" rx="7" ry="4" fill="#000" opacity="0.25"/>
  <ellipse cx="312" cy="${eyeY + 114}" rx="7" ry="4" fill="#000" opacity="0.25"/>
  <path d="M${300 - mouthHalf},${mouthY} Q300,${mouthY + 10} ${300 + mouthHalf},${mouthY}" stroke="#a4514f" stroke-width="8" fill="none" stroke-linecap="round"/>
</svg>`;
}
