import { can } from '../auth/roles';
import type { CheckBand, CheckResult, ReviewCase, ReviewCaseDetail, Upstream } from '../upstream/upstream';
import { html, type Html } from './html';
import { translator } from './i18n';
import { age, time, unavailable, type PageContext } from './layout';

/**
 * Photo screening's rejection reason codes (the applicant reads each one's text); photo screening checks
 * them again. Reasons that only a person judges (head covering, glare, expression) are review reasons, and
 * a reviewer who rejects for them picks the nearest code here and explains in the note.
 */
export const REJECTION_CODES = [
  'NOT_FACING_CAMERA',
  'HEAD_TILTED',
  'EYES_CLOSED',
  'BLURRY',
  'TOO_DARK',
  'OVEREXPOSED',
  'LOW_CONTRAST',
  'BACKGROUND_NOT_PLAIN',
  'FACE_TOO_SMALL',
  'FACE_TOO_LARGE',
  'FACE_CUT_OFF',
  'MULTIPLE_FACES',
  'NO_FACE',
  'LOW_RESOLUTION',
  'NOT_IN_COLOUR',
  'UNREADABLE_IMAGE',
] as const;

/** The chip image's fixed geometry (photo screening places the detected eye centres here), 420×540 px. */
const CHIP = { width: 420, height: 540, eyeX: 210, eyeY: 227 } as const;
/** ICAO 9303: the eye line lies between 50% and 70% of the image height from the bottom. */
const EYE_BAND = { fromTop: 0.3, toTop: 0.5 } as const;

const BAND_ORDER = { red: 0, amber: 1, green: 2 } as const;

/** "green 90 … ; red < 60" from a check's band, in the check's unit. */
export function describeBand(band: CheckBand | undefined): string {
  if (!band) return '–';
  const green =
    band.amberBelow !== undefined && band.amberAbove !== undefined
      ? `${band.amberBelow} – ${band.amberAbove}`
      : band.amberBelow !== undefined
        ? `≥ ${band.amberBelow}`
        : band.amberAbove !== undefined
          ? `≤ ${band.amberAbove}`
          : '–';
  const red = [
    band.redBelow !== undefined ? `< ${band.redBelow}` : '',
    band.redAbove !== undefined ? `> ${band.redAbove}` : '',
  ]
    .filter(Boolean)
    .join(' / ');
  return `green ${green}${red ? `; red ${red}` : ''}${band.personOnly ? '; person decides' : ''} (${band.unit})`;
}

function checkLabel(c: CheckResult): string {
  const value = c.value === null ? 'not measured' : `${c.value} ${c.unit}`;
  return `${c.check} ${value}`;
}

function checkTable(ctx: PageContext, checks: readonly CheckResult[]): Html {
  const t = translator(ctx.lang);
  const sorted = [...checks].sort((a, b) => BAND_ORDER[a.band] - BAND_ORDER[b.band]);
  return html`<table data-checks>
    <thead>
      <tr>
        <th>${t('checks')}</th>
        <th></th>
        <th class="num">${t('value')}</th>
        <th>${t('thresholdCol')}</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${sorted.map(
        (c) =>
          html`<tr data-check="${c.check}" data-band="${c.band}">
            <td>${c.check}</td>
            <td><span class="tag ${c.band}">${c.band}</span></td>
            <td class="num">${c.value === null ? '–' : `${c.value} ${c.unit}`}</td>
            <td>${describeBand(c.threshold)}</td>
            <td>${c.rejection ?? c.review ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * The photo as sent with the ICAO eye-line band over it and the checks that were not green written on it;
 * beside it the chip image, which photo screening cut around the detected eyes, with the eye line and the
 * face's placement drawn where screening put them. Photo screening does not return the detected face box
 * or eye coordinates in the source photo, so none are drawn there.
 */
function annotatedPhotos(item: ReviewCaseDetail, hasChip: boolean): Html {
  const flagged = item.checks.filter((c) => c.band !== 'green');
  const bandTop = CHIP.height * EYE_BAND.fromTop;
  const bandHeight = CHIP.height * (EYE_BAND.toTop - EYE_BAND.fromTop);
  return html`<div class="photos" style="display:flex;gap:10px;align-items:flex-start;flex-wrap:wrap">
    <figure style="position:relative;margin:0;display:inline-block" data-photo="source">
      <img
        src="/api/reviews/${item.applicationId}/images/source"
        alt="photo ${item.applicationId}"
        style="display:block;max-height:420px;max-width:360px"
      />
      <div
        title="ICAO eye-line band"
        style="position:absolute;left:0;right:0;top:${EYE_BAND.fromTop * 100}%;height:${(EYE_BAND.toTop - EYE_BAND.fromTop) * 100}%;background:rgba(44,160,44,.15);border-top:1px dashed #2ca02c;border-bottom:1px dashed #2ca02c"
      ></div>
      <div style="position:absolute;left:4px;top:4px;display:flex;flex-direction:column;gap:3px">
        ${flagged.map((c) => html`<span class="tag ${c.band}" data-flag="${c.check}">${checkLabel(c)}</span>`)}
      </div>
      <figcaption class="l">source</figcaption>
    </figure>
    ${
      hasChip
        ? html`<figure style="margin:0" data-photo="chip">
            <svg
              viewBox="0 0 ${CHIP.width} ${CHIP.height}"
              style="max-height:420px;width:300px;background:#eee"
              role="img"
              aria-label="chip image ${item.applicationId}"
            >
              <image
                href="/api/reviews/${item.applicationId}/images/chip"
                width="${CHIP.width}"
                height="${CHIP.height}"
              ></image>
              <rect
                x="0"
                y="${bandTop}"
                width="${CHIP.width}"
                height="${bandHeight}"
                fill="#2ca02c"
                fill-opacity="0.12"
              ></rect>
              <line
                x1="${CHIP.eyeX - 90}"
                y1="${CHIP.eyeY}"
                x2="${CHIP.eyeX + 90}"
                y2="${CHIP.eyeY}"
                stroke="#d62728"
                stroke-width="2"
                data-eye-line
              ></line>
              <circle cx="${CHIP.eyeX}" cy="${CHIP.eyeY}" r="4" fill="#d62728"></circle>
            </svg>
            <figcaption class="l">chip 420×540 (eye line as placed by screening)</figcaption>
          </figure>`
        : ''
    }
  </div>`;
}

export function reviewsBody(
  ctx: PageContext,
  queue: Upstream<{ items: ReviewCase[] }>,
  detail: Upstream<ReviewCaseDetail> | undefined,
): Html {
  const t = translator(ctx.lang);
  if (!queue.ok)
    return html`<h2>${t('reviews')}</h2>
      ${unavailable(ctx.lang, queue)}`;
  const items = queue.value.items;
  const index = detail?.ok ? items.findIndex((i) => i.applicationId === detail.value.applicationId) : -1;
  const mayReview = can(ctx.operator.role, 'photo.review');
  const mine = (i: ReviewCase) => i.claimedBy !== null && i.claimedBy.endsWith(`.${ctx.operator.name}`);
  return html`<h2>${t('reviews')} (${items.length})</h2>
    ${
      !detail
        ? html`<p>${t('none')}</p>`
        : !detail.ok
          ? unavailable(ctx.lang, detail)
          : reviewCase(ctx, detail.value, {
              mayReview,
              mine: mine(detail.value),
              previous: index > 0 ? items[index - 1].applicationId : undefined,
              next: index >= 0 && index < items.length - 1 ? items[index + 1].applicationId : undefined,
            })
    }
    <h3>Queue</h3>
    <table data-queue>
      <tbody>
        ${items.map(
          (i) =>
            html`<tr data-item="${i.applicationId}">
              <td><a href="/reviews?item=${i.applicationId}">${i.applicationId}</a></td>
              <td>${i.kind}</td>
              <td>${i.state}</td>
              <td>${i.claimedBy ?? ''}</td>
              <td>
                ${i.reasons.map((r) => html`<span class="tag amber" title="${r.message}">${r.code}</span> `)}
              </td>
              <td>${age(i.createdAt, ctx.now)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function reviewCase(
  ctx: PageContext,
  item: ReviewCaseDetail,
  options: { mayReview: boolean; mine: boolean; previous?: string; next?: string },
): Html {
  const t = translator(ctx.lang);
  const open = item.state === 'waiting' || item.state === 'claimed';
  const hasChip = !item.reasons.some((r) => r.code === 'MODEL_FAILURE') && item.checks.length > 0;
  return html`<div class="grid2" data-review="${item.applicationId}" data-state="${item.state}">
    <div>${annotatedPhotos(item, hasChip)}</div>
    <div>
      <p>
        <a href="/applications/${item.applicationId}">${item.applicationId}</a> · ${item.kind} ·
        <strong data-review-state>${item.state}</strong>${item.claimedBy ? ` (${item.claimedBy})` : ''} ·
        ${age(item.createdAt, ctx.now)}${item.detector ? ` · ${item.detector}` : ''}
      </p>
      <p>${item.reasons.map((r) => html`<span class="tag amber">${r.code}</span> ${r.message} `)}</p>
      ${checkTable(ctx, item.checks)}
      <p style="display:flex;gap:6px;flex-wrap:wrap;margin-top:10px">
        ${
          options.mayReview && open
            ? html`<button id="claim" data-post="/api/reviews/${item.applicationId}/claim">
                  ${t('claim')}
                </button>
                ${options.mine ? html`<button id="release" class="secondary" data-post="/api/reviews/${item.applicationId}/release">Release</button>` : ''}
                <button id="approve" data-post="/api/reviews/${item.applicationId}/approve">
                  ${t('approve')}
                </button>
                <input
                  id="reject-reason"
                  placeholder="${t('reason')}"
                  size="28"
                  aria-label="${t('reason')}"
                />
                <select id="reject-code" aria-label="code">
                  ${REJECTION_CODES.map((code) => html`<option>${code}</option>`)}
                </select>
                <button
                  id="reject"
                  class="secondary"
                  data-post="/api/reviews/${item.applicationId}/reject"
                  data-fields="reject-reason,reject-code"
                >
                  ${t('reject')}
                </button>`
            : ''
        }
        ${options.previous ? html`<a class="button secondary" id="previous" href="/reviews?item=${options.previous}">${t('previous')}</a>` : ''}
        ${options.next ? html`<a class="button secondary" id="next" href="/reviews?item=${options.next}">${t('next')}</a>` : ''}
      </p>
      <h3>Trail</h3>
      <table data-trail>
        <tbody>
          ${item.trail.map(
            (a) =>
              html`<tr>
                <td>${time(a.at, ctx.lang)}</td>
                <td>${a.action}</td>
                <td>${a.actor}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </div>`;
}
