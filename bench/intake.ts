import { performance } from 'node:perf_hooks';
import { printedText, unprintableFields } from '@mnc/domain-applicant';
import { syntheticSubmission } from '@mnc/load-driver';
import { checkPhoto, loadCardFontCoverage, parseSubmission } from '@mnc/stage-intake';

export interface IntakeChecksFigures {
  readonly submissions: number;
  /** Field checks of a JSON submission: normalisation, the applicant rules, romaji, base64 and sniffing. */
  readonly parsePerSecond: number;
  /** The card font's glyph check of every printed field. */
  readonly glyphChecksPerSecond: number;
  /** The photo's header read and full decode with sharp (the synthetic portrait). */
  readonly photoChecksPerSecond: number;
  readonly parseP95Ms: number;
  readonly photoP95Ms: number;
}

const p95 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.95)] ?? NaN;

/**
 * Intake's per-request checks on one core, without HTTP, database or blob store: what a submission costs
 * before it is stored. Bodies are built first (synthetic applicants and portraits).
 */
export async function intakeChecksBench(options: { count?: number } = {}): Promise<IntakeChecksFigures> {
  const count = options.count ?? 300;
  const bodies = await Promise.all(Array.from({ length: count }, (_, i) => syntheticSubmission(i + 1)));
  const font = loadCardFontCoverage();
  const parsed = [];
  const parseTimes: number[] = [];
  let started = performance.now();
  for (const body of bodies) {
    const t0 = performance.now();
    const result = parseSubmission(body, '2026-11-28');
    parseTimes.push(performance.now() - t0);
    if (!result.ok) throw new Error(`synthetic submission rejected: ${JSON.stringify(result.errors)}`);
    parsed.push(result.value);
  }
  const parseSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  for (const submission of parsed) unprintableFields(printedText(submission.applicant), font);
  const glyphSeconds = (performance.now() - started) / 1000;

  const photoTimes: number[] = [];
  started = performance.now();
  for (const submission of parsed) {
    const t0 = performance.now();
    const checked = await checkPhoto(submission.photo.bytes, submission.photo.mediaType);
    photoTimes.push(performance.now() - t0);
    if (!checked.ok) throw new Error(`synthetic portrait rejected: ${checked.error.code}`);
  }
  const photoSeconds = (performance.now() - started) / 1000;

  return {
    submissions: count,
    parsePerSecond: count / parseSeconds,
    glyphChecksPerSecond: count / glyphSeconds,
    photoChecksPerSecond: count / photoSeconds,
    parseP95Ms: p95(parseTimes),
    photoP95Ms: p95(photoTimes),
  };
}
