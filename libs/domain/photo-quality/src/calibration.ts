import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { syntheticPortrait } from '@mnc/synthetic';
import { fromEyeUnits, sampleAligned, toEyeUnits, type EyeFrame } from './geometry';
import type { RgbImage } from './image';
import type { RejectionCode } from './reasons';
import type { PhotoScreener, ScreeningReport } from './screen';

/**
 * The labelled calibration set, built from two sources and never from anyone's real application:
 *  - the six demo photos shipped in the npm package @vladmandic/face-api (MIT; group photos of models):
 *    faces cut out to passport framing on a plain background;
 *  - synthetic portraits from @mnc/synthetic (the same generator the load driver and e2e tests use).
 * Each base is varied the ways the issue lists. A variant is 'good' (must never be auto-rejected) or a
 * 'defect' (must never be auto-accepted; `expect` names the reason an automatic rejection should carry).
 */
export type Variant =
  | 'unaltered'
  | 'slightly-rotated'
  | 'darkened'
  | 'overexposed'
  | 'blurred'
  | 'rotated'
  | 'cropped'
  | 'greyscale'
  | 'busy-background'
  | 'two-faces'
  | 'no-face'
  | 'tiny'
  | 'turned';

export interface CalibrationPhoto {
  readonly id: string;
  readonly variant: Variant;
  readonly label: 'good' | 'defect';
  /** The reason an automatic rejection of this defect should carry (any of them). */
  readonly expect?: readonly RejectionCode[];
  readonly bytes: Buffer;
}

/** Eye, nose and mouth points (pixels) of faces in the package's demo photos, annotated once. */
interface ShippedFace {
  readonly sample: number;
  readonly rightEye: [number, number];
  readonly leftEye: [number, number];
  readonly mouth: [number, number];
}
/** Faces turned towards the camera closely enough for a passport photo (yaw within about 15°). */
const FRONTAL: readonly ShippedFace[] = [
  { sample: 1, rightEye: [1557, 281], leftEye: [1615, 335], mouth: [1522, 366] },
  { sample: 3, rightEye: [634, 436], leftEye: [724, 437], mouth: [672, 534] },
  { sample: 5, rightEye: [1151, 304], leftEye: [1222, 301], mouth: [1185, 370] },
  { sample: 5, rightEye: [421, 995], leftEye: [519, 986], mouth: [487, 1094] },
  { sample: 6, rightEye: [1226, 425], leftEye: [1324, 429], mouth: [1273, 531] },
  { sample: 6, rightEye: [1531, 378], leftEye: [1626, 400], mouth: [1548, 499] },
];
/** Faces clearly turned away (30° or more): defects that must not be auto-accepted. */
const TURNED: readonly ShippedFace[] = [
  { sample: 1, rightEye: [443, 465], leftEye: [516, 459], mouth: [472, 547] },
  { sample: 4, rightEye: [1007, 283], leftEye: [1075, 289], mouth: [1032, 366] },
  { sample: 4, rightEye: [1317, 231], leftEye: [1380, 261], mouth: [1301, 315] },
  { sample: 5, rightEye: [672, 520], leftEye: [738, 521], mouth: [724, 599] },
  { sample: 5, rightEye: [1441, 518], leftEye: [1521, 505], mouth: [1488, 615] },
];
/** Regions of the demo photos without a face: legs, sofas, a staircase. */
const FACELESS: readonly { sample: number; left: number; top: number; width: number; height: number }[] = [
  { sample: 2, left: 0, top: 800, width: 420, height: 560 },
  { sample: 4, left: 1440, top: 860, width: 420, height: 560 },
  { sample: 1, left: 1450, top: 700, width: 420, height: 560 },
];
const PLAIN = { r: 233, g: 235, b: 238 };

export function shippedSamplePath(sample: number): string {
  const pkg = require.resolve('@vladmandic/face-api/package.json');
  return path.join(path.dirname(pkg), 'demo', `sample${sample}.jpg`);
}

async function rgb(input: Buffer | string): Promise<RgbImage> {
  const { data, info } = await sharp(input)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

const jpeg = (image: RgbImage, quality = 92) =>
  sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();

/** Passport framing: eye line at 42% from the top, chin-to-crown about 72% of the height. */
function passportFrame(face: ShippedFace): { frame: EyeFrame; eyeMouth: number } {
  const frame: EyeFrame = {
    origin: { x: (face.rightEye[0] + face.leftEye[0]) / 2, y: (face.rightEye[1] + face.leftEye[1]) / 2 },
    axis: { x: face.leftEye[0] - face.rightEye[0], y: face.leftEye[1] - face.rightEye[1] },
  };
  return { frame, eyeMouth: toEyeUnits(frame, { x: face.mouth[0], y: face.mouth[1] }).y };
}

/** Outside an ellipse round the head (eye units), the pixels of `background` (or plain light grey). */
function replaceBackground(
  image: RgbImage,
  frame: EyeFrame,
  eyeMouth: number,
  background?: RgbImage,
): RgbImage {
  const out = Buffer.from(image.data);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const p = toEyeUnits(frame, { x, y });
      const d = Math.sqrt((p.x / 1.4) ** 2 + ((p.y + 0.35 * eyeMouth) / (2.05 * eyeMouth)) ** 2);
      const neck = p.y > 1.2 * eyeMouth && Math.abs(p.x) < 0.55;
      const keep = neck ? 1 : Math.min(1, Math.max(0, (1.06 - d) / 0.08));
      if (keep >= 1) continue;
      const i = (y * image.width + x) * 3;
      const bg = background
        ? [background.data[i]!, background.data[i + 1]!, background.data[i + 2]!]
        : [PLAIN.r, PLAIN.g, PLAIN.b];
      for (let c = 0; c < 3; c++) out[i + c] = Math.round(image.data[i + c]! * keep + bg[c]! * (1 - keep));
    }
  }
  return { ...image, data: out };
}

const BASE = { width: 360, height: 480, eyeY: 202, eyeMouthPx: 108 } as const;

async function shippedBase(face: ShippedFace, sources: Map<number, RgbImage>) {
  let source = sources.get(face.sample);
  if (!source) {
    source = await rgb(shippedSamplePath(face.sample));
    sources.set(face.sample, source);
  }
  const { frame, eyeMouth } = passportFrame(face);
  const unit = BASE.eyeMouthPx / eyeMouth;
  const scene = sampleAligned(source, frame, {
    width: BASE.width,
    height: BASE.height,
    unit,
    cx: BASE.width / 2,
    cy: BASE.eyeY,
  }).image;
  // The face in the new image: eyes level, centred.
  const local: EyeFrame = { origin: { x: BASE.width / 2, y: BASE.eyeY }, axis: { x: unit, y: 0 } };
  return { scene, plain: replaceBackground(scene, local, eyeMouth), frame: local, eyeMouth };
}

async function syntheticBase(seed: number) {
  const portrait = await rgb((await syntheticPortrait(seed)).bytes);
  // The generator draws eyes about 124 px apart at y ≈ 362 and the mouth ≈ 198 px below.
  const frame: EyeFrame = { origin: { x: 300, y: 362 }, axis: { x: 124, y: 0 } };
  return { plain: portrait, frame, eyeMouth: 198 / 124 };
}

async function variants(
  id: string,
  plain: RgbImage,
  frame: EyeFrame,
  eyeMouth: number,
  scenery: RgbImage,
): Promise<CalibrationPhoto[]> {
  const raw = () => sharp(plain.data, { raw: { width: plain.width, height: plain.height, channels: 3 } });
  const ied = Math.hypot(frame.axis.x, frame.axis.y);
  // Rotation fills the corners with the photo's own background colour (its top-left pixel).
  const bg = { r: plain.data[0]!, g: plain.data[1]!, b: plain.data[2]! };
  const cutLeft = Math.round(fromEyeUnits(frame, { x: -0.2, y: 0 }).x);
  const cutTop = Math.round(fromEyeUnits(frame, { x: 0, y: -0.7 * eyeMouth }).y);
  const photos: [Variant, 'good' | 'defect', RejectionCode[] | undefined, Promise<Buffer>][] = [
    ['unaltered', 'good', undefined, jpeg(plain)],
    [
      'slightly-rotated',
      'good',
      undefined,
      raw().rotate(4, { background: bg }).jpeg({ quality: 92 }).toBuffer(),
    ],
    [
      'darkened',
      'defect',
      ['TOO_DARK', 'LOW_CONTRAST'],
      raw().linear(0.25, 0).jpeg({ quality: 92 }).toBuffer(),
    ],
    [
      'overexposed',
      'defect',
      ['OVEREXPOSED', 'LOW_CONTRAST'],
      raw().linear(3, 60).jpeg({ quality: 92 }).toBuffer(),
    ],
    [
      'blurred',
      'defect',
      ['BLURRY'],
      raw()
        .blur(Math.max(0.3, ied * 0.07))
        .jpeg({ quality: 92 })
        .toBuffer(),
    ],
    [
      'rotated',
      'defect',
      ['HEAD_TILTED'],
      raw().rotate(24, { background: bg }).jpeg({ quality: 92 }).toBuffer(),
    ],
    [
      'cropped',
      'defect',
      ['FACE_CUT_OFF', 'FACE_TOO_LARGE', 'NO_FACE'],
      raw()
        .extract({ left: cutLeft, top: cutTop, width: plain.width - cutLeft, height: plain.height - cutTop })
        .jpeg({ quality: 92 })
        .toBuffer(),
    ],
    [
      'greyscale',
      'defect',
      ['NOT_IN_COLOUR'],
      raw().greyscale().toColourspace('srgb').jpeg({ quality: 92 }).toBuffer(),
    ],
    [
      'busy-background',
      'defect',
      ['BACKGROUND_NOT_PLAIN'],
      jpeg(replaceBackground(plain, frame, eyeMouth, scenery)),
    ],
    [
      'tiny',
      'defect',
      ['LOW_RESOLUTION', 'NO_FACE'],
      raw()
        .resize(Math.round(plain.width / 4), Math.round(plain.height / 4))
        .jpeg({ quality: 92 })
        .toBuffer(),
    ],
  ];
  return Promise.all(
    photos.map(async ([variant, label, expect, bytes]) => ({
      id: `${id}/${variant}`,
      variant,
      label,
      expect,
      bytes: await bytes,
    })),
  );
}

async function sideBySide(a: RgbImage, b: RgbImage): Promise<Buffer> {
  const height = Math.min(a.height, b.height);
  const scaled = async (image: RgbImage) =>
    sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize({ height })
      .png()
      .toBuffer();
  const [left, right] = await Promise.all([scaled(a), scaled(b)]);
  const leftWidth = Math.round((a.width * height) / a.height);
  const rightWidth = Math.round((b.width * height) / b.height);
  return sharp({ create: { width: leftWidth + rightWidth, height, channels: 3, background: PLAIN } })
    .composite([
      { input: left, left: 0, top: 0 },
      { input: right, left: leftWidth, top: 0 },
    ])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** Builds the whole labelled set (about 190 photos; a few seconds). Deterministic. */
export async function buildCalibrationSet(
  options: { syntheticSeeds?: number } = {},
): Promise<CalibrationPhoto[]> {
  const seeds = options.syntheticSeeds ?? 10;
  const sources = new Map<number, RgbImage>();
  const set: CalibrationPhoto[] = [];
  const shipped = [];
  for (const [i, face] of FRONTAL.entries())
    shipped.push({ id: `shipped-${i + 1}`, ...(await shippedBase(face, sources)) });
  for (const base of shipped) {
    set.push(...(await variants(base.id, base.plain, base.frame, base.eyeMouth, base.scene)));
  }
  const synthetic = [];
  for (let seed = 1; seed <= seeds; seed++)
    synthetic.push({ id: `synthetic-${seed}`, ...(await syntheticBase(seed)) });
  for (const [i, base] of synthetic.entries()) {
    const scene = shipped[i % shipped.length]!.scene;
    const sceneLarge = await rgb(
      await sharp(scene.data, { raw: { width: scene.width, height: scene.height, channels: 3 } })
        .resize(base.plain.width, base.plain.height, { fit: 'fill' })
        .png()
        .toBuffer(),
    );
    set.push(...(await variants(base.id, base.plain, base.frame, base.eyeMouth, sceneLarge)));
  }
  const all = [...shipped.map((b) => b.plain), ...synthetic.map((b) => b.plain)];
  for (let i = 0; i < all.length; i += 2) {
    const pair = [all[i]!, all[(i + 1) % all.length]!] as const;
    set.push({
      id: `pair-${i / 2 + 1}/two-faces`,
      variant: 'two-faces',
      label: 'defect',
      expect: ['MULTIPLE_FACES'],
      bytes: await sideBySide(pair[0], pair[1]),
    });
  }
  for (const [i, face] of TURNED.entries()) {
    const base = await shippedBase(face, sources);
    set.push({
      id: `shipped-turned-${i + 1}/turned`,
      variant: 'turned',
      label: 'defect',
      expect: ['NOT_FACING_CAMERA'],
      bytes: await jpeg(base.plain),
    });
  }
  for (const [i, region] of FACELESS.entries()) {
    set.push({
      id: `faceless-${i + 1}/no-face`,
      variant: 'no-face',
      label: 'defect',
      expect: ['NO_FACE'],
      bytes: await sharp(shippedSamplePath(region.sample)).extract(region).jpeg({ quality: 92 }).toBuffer(),
    });
  }
  set.push({
    id: 'plain-wall/no-face',
    variant: 'no-face',
    label: 'defect',
    expect: ['NO_FACE'],
    bytes: await sharp({ create: { width: 600, height: 800, channels: 3, background: PLAIN } })
      .jpeg()
      .toBuffer(),
  });
  return set;
}

/** Writes the set as JPEG files (for looking at it); returns the directory. */
export async function writeCalibrationSet(dir: string, set: readonly CalibrationPhoto[]): Promise<string> {
  for (const photo of set) {
    const file = path.join(dir, `${photo.id.replace('/', '__')}.jpg`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, photo.bytes);
  }
  return dir;
}

export interface CalibrationResult {
  readonly photo: CalibrationPhoto;
  readonly report: ScreeningReport;
}

/** Screens the whole set with audit sampling off (the audit share is a policy, not a threshold). */
export async function screenCalibrationSet(
  screener: PhotoScreener,
  set: readonly CalibrationPhoto[],
): Promise<CalibrationResult[]> {
  const results: CalibrationResult[] = [];
  for (const photo of set) {
    const report = await screener.screen(photo.bytes, {
      today: new Date('2026-11-28T00:00:00Z'),
      auditShare: 0,
      random: () => 1,
    });
    results.push({ photo, report });
  }
  return results;
}

interface Row {
  variant: Variant;
  label: 'good' | 'defect';
  photos: number;
  accepted: number;
  review: number;
  rejected: number;
  /** Rejections that carry one of the expected reasons. */
  rejectedForExpectedReason: number;
}

/** The confusion table per variant (the reason a defect stands for), as Markdown. */
export function confusionTable(results: readonly CalibrationResult[]): { rows: Row[]; markdown: string } {
  const rows = new Map<Variant, Row>();
  for (const { photo, report } of results) {
    const row = rows.get(photo.variant) ?? {
      variant: photo.variant,
      label: photo.label,
      photos: 0,
      accepted: 0,
      review: 0,
      rejected: 0,
      rejectedForExpectedReason: 0,
    };
    row.photos++;
    row[report.outcome === 'accepted' ? 'accepted' : report.outcome === 'review' ? 'review' : 'rejected']++;
    if (report.outcome === 'rejected' && report.reasons.some((r) => photo.expect?.includes(r.code))) {
      row.rejectedForExpectedReason++;
    }
    rows.set(photo.variant, row);
  }
  const list = [...rows.values()];
  const lines = [
    '| variant | label | expected reason | photos | auto-accepted | to review | auto-rejected | rejected with the expected reason |',
    '|---|---|---|---:|---:|---:|---:|---:|',
    ...list.map((r) => {
      const expect = results.find((x) => x.photo.variant === r.variant)?.photo.expect?.join(' / ') ?? '—';
      return `| ${r.variant} | ${r.label} | ${expect} | ${r.photos} | ${r.accepted} | ${r.review} | ${r.rejected} | ${r.label === 'good' ? '—' : r.rejectedForExpectedReason} |`;
    }),
  ];
  return { rows: list, markdown: lines.join('\n') };
}
