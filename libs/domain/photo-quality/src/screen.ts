import { band, THRESHOLDS, type CheckResult } from './checks';
import { CHIP_MIN_GOOD_QUALITY, makeCardImages, type ProducedImage } from './chip-image';
import { iou, type FaceDetection, type FaceDetector } from './detector';
import { eyeDistance, eyeFrame } from './geometry';
import { loadPhoto } from './image';
import { measureFace } from './measure';
import { rejectionReason, reviewReason, type RejectionReason, type ReviewReason } from './reasons';

/** Applicants younger than this (in whole years on the day of screening) always go to a person. */
export const INFANT_BELOW_YEARS = 2;

export interface ScreeningContext {
  /** The applicant's birth date (YYYY-MM-DD), when known: infants go to a person. */
  readonly birthDate?: string;
  readonly today: Date;
  /** Share of all-green photos sent to audit review, 0..1. */
  readonly auditShare: number;
  /** Uniform 0..1; injected so tests decide the audit draw. */
  readonly random: () => number;
}

export interface ScreenedImages {
  readonly chip: ProducedImage;
  readonly print: ProducedImage;
}

interface Common {
  readonly checks: readonly CheckResult[];
  readonly source?: { readonly width: number; readonly height: number; readonly format: string };
  readonly detector: string;
}
export type ScreeningReport =
  | (Common & { readonly outcome: 'rejected'; readonly reasons: readonly RejectionReason[] })
  | (Common & {
      readonly outcome: 'review';
      readonly reviewReasons: readonly ReviewReason[];
      /** Absent when no face could be placed (model failure): a reviewer can only reject then. */
      readonly images?: ScreenedImages;
    })
  | (Common & { readonly outcome: 'accepted'; readonly images: ScreenedImages });

/**
 * The whole screening of one photo: decode, two detectors (the second is a check on the first), every
 * quality check, the decision, and on acceptance or review the chip and print images. Red rejects, amber or
 * any doubt goes to a person, all green accepts (a random share to audit).
 */
export class PhotoScreener {
  constructor(
    private readonly primary: FaceDetector,
    private readonly secondary: FaceDetector,
  ) {}

  async screen(bytes: Buffer, context: ScreeningContext): Promise<ScreeningReport> {
    const detector = `${this.primary.name}+${this.secondary.name}`;
    const loaded = await loadPhoto(bytes);
    if (!loaded.ok)
      return { outcome: 'rejected', reasons: [rejectionReason(loaded.code)], checks: [], detector };
    const source = loaded.source;
    const personal: ReviewReason[] = [];
    if (context.birthDate && ageInYears(context.birthDate, context.today) < INFANT_BELOW_YEARS) {
      personal.push(reviewReason('INFANT'));
    }

    let primary: FaceDetection[];
    let secondary: FaceDetection[];
    try {
      [primary, secondary] = await Promise.all([
        this.primary.detect(loaded.image),
        this.secondary.detect(loaded.image),
      ]);
    } catch (error) {
      const detail = error instanceof Error ? error.name : 'error';
      return {
        outcome: 'review',
        reviewReasons: [reviewReason('MODEL_FAILURE', detail), ...personal],
        checks: [],
        source,
        detector,
      };
    }

    const strong = THRESHOLDS.faceScore.amberBelow;
    const main = primary[0] ?? secondary[0];
    const bestScore = Math.max(primary[0]?.score ?? 0, secondary[0]?.score ?? 0);
    const faceCheck = band('face', bestScore, THRESHOLDS.faceScore);
    if (!main || faceCheck.band === 'red') {
      return {
        outcome: 'rejected',
        reasons: [rejectionReason('NO_FACE')],
        checks: [faceCheck],
        source,
        detector,
      };
    }
    const checks: CheckResult[] = [faceCheck];
    // The primary model must be sure, and the second must at least see a face where the first does.
    const confirmed = (secondary[0]?.score ?? 0) >= THRESHOLDS.faceScore.redBelow;
    if ((primary[0]?.score ?? 0) < strong || !confirmed) {
      checks[0] = {
        ...faceCheck,
        band: faceCheck.band === 'green' ? 'amber' : faceCheck.band,
        review: 'MODEL_DISAGREEMENT',
      };
    }

    // Another face counts when the primary model is sure of it and the second model at least sees it.
    const ratioIn = (faces: FaceDetection[], floor: number) => {
      const area = main.box.width * main.box.height;
      const others = faces.filter((f) => f.score >= floor && iou(f.box, main.box) < 0.3);
      return others.reduce((m, f) => Math.max(m, (f.box.width * f.box.height) / area), 0);
    };
    const ratios = [ratioIn(primary, strong), ratioIn(secondary, THRESHOLDS.faceScore.redBelow)];
    const twin = secondary.find((f) => iou(f.box, main.box) >= 0.3);
    const frame = eyeFrame(main.landmarks);
    const agreement =
      twin && twin !== main
        ? (dist(twin.landmarks.rightEye, main.landmarks.rightEye) +
            dist(twin.landmarks.leftEye, main.landmarks.leftEye)) /
          2 /
          eyeDistance(frame)
        : null;
    const measured = measureFace(loaded.image, loaded.scale, main, {
      secondFaceRatio: Math.min(...ratios),
      agreement,
    });
    for (const check of measured.checks) {
      if (
        check.check === 'faceCount' &&
        check.band !== 'red' &&
        band('faceCount', Math.max(...ratios), THRESHOLDS.secondFace).band === 'red'
      ) {
        checks.push({ ...check, value: Math.max(...ratios), band: 'amber', review: 'MODEL_DISAGREEMENT' });
      } else checks.push(check);
    }

    const red = checks.filter((c) => c.band === 'red');
    if (red.length > 0) {
      const codes = [...new Set(red.map((c) => c.rejection!))];
      return { outcome: 'rejected', reasons: codes.map(rejectionReason), checks, source, detector };
    }
    const images: ScreenedImages = await makeCardImages(loaded.image, measured.frame, measured.eyeMouth);
    const reviews: ReviewReason[] = [];
    for (const c of checks) {
      if (c.band !== 'amber') continue;
      const detail = `${c.check} = ${c.value ?? 'not measurable'}${c.value === null ? '' : ` ${c.unit}`}`;
      reviews.push(reviewReason(c.review ?? 'BORDERLINE_QUALITY', `(${detail})`));
    }
    if (images.chip.quality < CHIP_MIN_GOOD_QUALITY) {
      reviews.push(reviewReason('CHIP_IMAGE_QUALITY', `(JPEG quality ${images.chip.quality})`));
    }
    reviews.push(...personal);
    if (reviews.length > 0)
      return { outcome: 'review', reviewReasons: reviews, images, checks, source, detector };
    if (context.random() < context.auditShare) {
      return {
        outcome: 'review',
        reviewReasons: [reviewReason('AUDIT_SAMPLE')],
        images,
        checks,
        source,
        detector,
      };
    }
    return { outcome: 'accepted', images, checks, source, detector };
  }
}

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

export function ageInYears(birthDate: string, today: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const ty = today.getUTCFullYear();
  const before = today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d);
  return ty - y - (before ? 1 : 0);
}
