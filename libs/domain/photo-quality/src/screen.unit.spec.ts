import { syntheticPortrait } from '@mnc/synthetic';
import type { FaceDetection, FaceDetector } from './detector';
import type { RgbImage } from './image';
import { ageInYears, PhotoScreener, type ScreeningContext } from './screen';

/** A detector that reports the synthetic portrait's face where the generator draws it. */
class KnownFace implements FaceDetector {
  readonly name = 'known';
  constructor(private readonly faces: (image: RgbImage) => FaceDetection[]) {}
  async detect(image: RgbImage) {
    return this.faces(image);
  }
}
const portraitFace = (score = 0.95): FaceDetection => ({
  score,
  box: { x: 155, y: 270, width: 290, height: 290 },
  landmarks: {
    rightEye: { x: 238, y: 362 },
    leftEye: { x: 362, y: 362 },
    noseTip: { x: 300, y: 470 },
    mouth: { x: 300, y: 560 },
    rightEar: { x: 128, y: 390 },
    leftEar: { x: 472, y: 390 },
  },
});
const failing: FaceDetector = {
  name: 'broken',
  detect: () => Promise.reject(new Error('model file corrupt')),
};
const context = (over: Partial<ScreeningContext> = {}): ScreeningContext => ({
  today: new Date('2026-11-28T00:00:00Z'),
  auditShare: 0,
  random: () => 0.5,
  ...over,
});

describe('PhotoScreener decisions', () => {
  const good = new KnownFace(() => [portraitFace()]);
  let photo: Buffer;
  beforeAll(async () => {
    photo = (await syntheticPortrait(11)).bytes;
  });

  it('given an all-green photo, then accepted with a chip and a print image', async () => {
    const report = await new PhotoScreener(good, good).screen(photo, context());
    expect(report.checks.filter((c) => c.band !== 'green')).toEqual([]);
    expect(report).toMatchObject({ outcome: 'accepted', images: { chip: { width: 420, height: 540 } } });
  });

  it('given the audit draw falls inside the audit share, then an all-green photo goes to review as AUDIT_SAMPLE', async () => {
    const report = await new PhotoScreener(good, good).screen(
      photo,
      context({ auditShare: 0.1, random: () => 0.05 }),
    );
    expect(report).toMatchObject({ outcome: 'review', reviewReasons: [{ code: 'AUDIT_SAMPLE' }] });
    const missed = await new PhotoScreener(good, good).screen(
      photo,
      context({ auditShare: 0.1, random: () => 0.5 }),
    );
    expect(missed.outcome).toBe('accepted');
  });

  it('given an infant applicant, then a person judges the photo', async () => {
    const report = await new PhotoScreener(good, good).screen(photo, context({ birthDate: '2025-12-01' }));
    expect(report.outcome === 'review' && report.reviewReasons.map((r) => r.code)).toEqual(['INFANT']);
  });

  it('given a model failure, then review, never a rejection or a crash', async () => {
    const report = await new PhotoScreener(failing, good).screen(photo, context());
    expect(report).toMatchObject({ outcome: 'review', reviewReasons: [{ code: 'MODEL_FAILURE' }] });
  });

  it('given the second model sees no face where the first does, then review for disagreement', async () => {
    const report = await new PhotoScreener(good, new KnownFace(() => [])).screen(photo, context());
    expect(report.outcome === 'review' && report.reviewReasons.map((r) => r.code)).toContain(
      'MODEL_DISAGREEMENT',
    );
  });

  it('given neither model finds a face, then rejected with NO_FACE', async () => {
    const none = new KnownFace(() => []);
    await expect(new PhotoScreener(none, none).screen(photo, context())).resolves.toMatchObject({
      outcome: 'rejected',
      reasons: [{ code: 'NO_FACE' }],
    });
  });

  it('given an unreadable file, then rejected with UNREADABLE_IMAGE', async () => {
    await expect(new PhotoScreener(good, good).screen(Buffer.from('nope'), context())).resolves.toMatchObject(
      {
        outcome: 'rejected',
        reasons: [{ code: 'UNREADABLE_IMAGE' }],
      },
    );
  });
});

describe('ageInYears', () => {
  it('counts whole years, the birthday itself included', () => {
    const today = new Date('2026-11-28T00:00:00Z');
    expect(ageInYears('2024-11-28', today)).toBe(2);
    expect(ageInYears('2024-11-29', today)).toBe(1);
  });
});
