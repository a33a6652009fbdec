import {
  buildCalibrationSet,
  confusionTable,
  screenCalibrationSet,
  type CalibrationResult,
} from './calibration';
import { chipImageProblems, inspectJpeg } from './chip-image';
import { BLAZEFACE_MODELS, BlazeFaceDetector, stopFaceDetection } from './detector';
import { REJECTION_REASONS } from './reasons';
import { PhotoScreener } from './screen';

jest.setTimeout(180_000);

/**
 * The thresholds against the labelled set (docs/photo-screening.md shows the same table). Real models, real
 * images: shipped demo photos cut to passport framing and synthetic portraits, each varied by one defect.
 */
describe('photo screening on the labelled calibration set', () => {
  let results: CalibrationResult[];

  beforeAll(async () => {
    const screener = new PhotoScreener(
      new BlazeFaceDetector(BLAZEFACE_MODELS.front128),
      new BlazeFaceDetector(BLAZEFACE_MODELS.back256),
    );
    results = await screenCalibrationSet(screener, await buildCalibrationSet());
  });
  afterAll(() => stopFaceDetection());

  it('covers every variation the issue names, with both good and defective photos', () => {
    const variants = new Set(results.map((r) => r.photo.variant));
    for (const v of [
      'unaltered',
      'darkened',
      'blurred',
      'rotated',
      'cropped',
      'greyscale',
      'busy-background',
      'two-faces',
      'no-face',
      'tiny',
    ]) {
      expect(variants).toContain(v);
    }
    expect(results.filter((r) => r.photo.label === 'good').length).toBeGreaterThanOrEqual(30);
    expect(results.filter((r) => r.photo.label === 'defect').length).toBeGreaterThanOrEqual(100);
  });

  it('ran both face models on every photo and accepts most good ones without a person', () => {
    const failures = results.filter(
      (r) => r.report.outcome === 'review' && r.report.reviewReasons.some((x) => x.code === 'MODEL_FAILURE'),
    );
    expect(failures.map((r) => r.photo.id)).toEqual([]);
    const good = results.filter((r) => r.photo.label === 'good');
    expect(good.filter((r) => r.report.outcome === 'accepted').length / good.length).toBeGreaterThanOrEqual(
      0.5,
    );
  });

  it('auto-accepts no photo with a defect', () => {
    const accepted = results.filter((r) => r.photo.label === 'defect' && r.report.outcome === 'accepted');
    expect(accepted.map((r) => r.photo.id)).toEqual([]);
  });

  it('auto-rejects at most 2% of good photos', () => {
    const good = results.filter((r) => r.photo.label === 'good');
    const rejected = good.filter((r) => r.report.outcome === 'rejected');
    expect(rejected.length / good.length).toBeLessThanOrEqual(0.02);
  });

  it('gives every automatic rejection a reason code with an English and a Japanese message', () => {
    for (const { report } of results) {
      if (report.outcome !== 'rejected') continue;
      expect(report.reasons.length).toBeGreaterThan(0);
      for (const reason of report.reasons) {
        expect(Object.keys(REJECTION_REASONS)).toContain(reason.code);
        expect(reason.message.length).toBeGreaterThan(10);
        expect(reason.messageJa).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      }
    }
  });

  it('rejects most defects for the reason they stand for (the applicant is told what to fix)', () => {
    const { rows } = confusionTable(results);
    const shares = Object.fromEntries(
      rows
        .filter((r) => r.label === 'defect' && r.rejected > 0)
        .map((r) => [r.variant, r.rejectedForExpectedReason / r.rejected]),
    );
    for (const [variant, share] of Object.entries(shares)) {
      expect({ variant, share: share >= 0.75 }).toEqual({ variant, share: true });
    }
  });

  it('makes a chip image that passes the format checks for every photo it did not reject', () => {
    const withImages = results.flatMap((r) =>
      r.report.outcome === 'accepted' || (r.report.outcome === 'review' && r.report.images)
        ? [{ id: r.photo.id, images: r.report.images! }]
        : [],
    );
    expect(withImages.length).toBeGreaterThan(30);
    for (const { id, images } of withImages) {
      expect({ id, problems: chipImageProblems(images.chip.bytes) }).toEqual({ id, problems: [] });
      const print = inspectJpeg(images.print.bytes);
      expect({ id, print: [print.width, print.height, print.components, print.metadataSegments] }).toEqual({
        id,
        print: [700, 900, 3, []],
      });
    }
  });
});
