import { can } from '../auth/roles';
import type { DeadLetter } from '../dead-letters/dead-letters';
import type { BacklogForecast, PeakWhatIf } from '../read-model/forecast';
import type { ApplicationView } from '../read-model/projection';
import type { Overview, ReadModelQueries } from '../read-model/read-model';
import type { CaCrl, LaneStatus, CardFacePreview, RevocationEntry, Upstream } from '../upstream/upstream';
import { throughputChart } from './chart';
import { html, type Html } from './html';
import { stageLabel, translator } from './i18n';
import { age, time, unavailable, type PageContext } from './layout';

type Failure = Extract<Upstream<never>, { ok: false }>;

export function overviewBody(ctx: PageContext, o: Overview): Html {
  const t = translator(ctx.lang);
  return html`<h2>${t('overview')}</h2>
    <div class="cards">
      ${o.stages.map(
        (s) =>
          html`<div class="card" data-stage="${s.stage}">
            <div class="l">${stageLabel(ctx.lang, s.stage)}</div>
            <div class="n" data-waiting>${s.waiting}</div>
            <div class="l">
              ${t('express')}: ${s.express} · ${t('oldest')}: ${age(s.oldestSince, ctx.now)}
            </div>
            <div class="l ${s.stuck > 0 ? 'warn' : ''}">${t('stuckCount')}: ${s.stuck}</div>
          </div>`,
      )}
      <div class="card">
        <div class="l">${t('finished')}</div>
        <div class="n">${Object.values(o.finished).reduce((a, b) => a + b, 0)}</div>
        <div class="l">
          ${Object.entries(o.finished)
            .map(([k, v]) => `${stageLabel(ctx.lang, k)} ${v}`)
            .join(' · ')}
        </div>
      </div>
      <div class="card">
        <div class="l">${t('slaBreaches')}</div>
        <div class="n ${o.slaBreaches > 0 ? 'warn' : ''}">${o.slaBreaches}</div>
      </div>
      <div class="card">
        <div class="l">${t('expressOpen')}</div>
        <div class="n">${o.expressOpen}</div>
      </div>
      <div class="card">
        <div class="l"><a href="/dead-letters">${t('deadLetters')}</a></div>
        <div class="n ${o.deadLetters > 0 ? 'warn' : ''}">${o.deadLetters}</div>
      </div>
    </div>
    <h3>${t('throughput')}</h3>
    ${throughputChart(
      o.throughput.map((series) => ({ ...series, series: stageLabel(ctx.lang, series.series) })),
      o.windowMinutes,
      ctx.now,
      { title: t('throughput') },
    )}`;
}

export function applicationRows(ctx: PageContext, apps: readonly ApplicationView[]): Html {
  const t = translator(ctx.lang);
  return html`<table>
    <thead>
      <tr>
        <th>ID</th>
        <th>${t('position')}</th>
        <th>${t('route')}</th>
        <th>${t('municipality')}</th>
        <th>${t('cardNumber')}</th>
        <th>${t('submitted')}</th>
        <th>${t('since')}</th>
      </tr>
    </thead>
    <tbody>
      ${apps.map(
        (a) =>
          html`<tr data-application="${a.id}">
            <td><a href="/applications/${a.id}">${a.id}</a></td>
            <td data-position="${a.position}">${stageLabel(ctx.lang, a.position)}</td>
            <td>
              ${a.route === 'express' ? html`<span class="tag express">${t('express')}</span>` : (a.route ?? '–')}
            </td>
            <td>${a.municipalityCode ?? '–'}</td>
            <td>${a.cardNumber ?? '–'}</td>
            <td>${time(a.submittedAt, ctx.lang)}</td>
            <td>${age(a.positionSince, ctx.now)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function searchBody(ctx: PageContext, query: string, results: readonly ApplicationView[]): Html {
  const t = translator(ctx.lang);
  return html`<h2>${t('applications')}</h2>
    <form method="get" action="/applications">
      <input
        name="q"
        value="${query}"
        placeholder="${t('searchHint')}"
        size="44"
        aria-label="${t('searchHint')}"
      />
      <button type="submit">${t('search')}</button>
    </form>
    <p></p>
    ${applicationRows(ctx, results)}`;
}

export function applicationBody(
  ctx: PageContext,
  app: ApplicationView,
  timeline: Awaited<ReturnType<ReadModelQueries['timeline']>>,
  intakeConfigured: boolean,
): Html {
  const t = translator(ctx.lang);
  const breached =
    app.slaDueAt &&
    Date.parse(app.slaDueAt) < (app.finishedAt ? Date.parse(app.finishedAt) : ctx.now.getTime());
  const reveal = can(ctx.operator.role, 'personal-data.reveal');
  return html`<h2>${t('applications')}: ${app.id}</h2>
    <div class="grid2">
      <div>
        <table>
          <tbody>
            <tr>
              <th>${t('position')}</th>
              <td data-position="${app.position}">${stageLabel(ctx.lang, app.position)} (${app.position})</td>
            </tr>
            <tr>
              <th>${t('route')}</th>
              <td>${app.route ?? '–'}</td>
            </tr>
            <tr>
              <th>Channel</th>
              <td>${app.channel ?? '–'}</td>
            </tr>
            <tr>
              <th>${t('municipality')}</th>
              <td>${app.municipalityCode ?? '–'}</td>
            </tr>
            <tr>
              <th>${t('cardNumber')}</th>
              <td>${app.cardNumber ?? '–'}</td>
            </tr>
            <tr>
              <th>Lane</th>
              <td>${app.lane ?? '–'}</td>
            </tr>
            <tr>
              <th>Lifecycle</th>
              <td>${app.lifecycle ?? '–'}</td>
            </tr>
            <tr>
              <th>${t('submitted')}</th>
              <td>${time(app.submittedAt, ctx.lang)}</td>
            </tr>
            <tr>
              <th>${t('since')}</th>
              <td>${time(app.positionSince, ctx.lang)} (${age(app.positionSince, ctx.now)})</td>
            </tr>
            <tr>
              <th>${t('slaDue')}</th>
              <td class="${breached ? 'warn' : ''}">${time(app.slaDueAt, ctx.lang)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <div>
        <h3>${t('personalData')}</h3>
        <dl class="pd" id="personal-data">
          <dt>氏名 / Name</dt>
          <dd class="masked">●●●● ●●●●</dd>
          <dt>生年月日 / Birth date</dt>
          <dd class="masked">●●●●-●●-●●</dd>
          <dt>住所 / Address</dt>
          <dd class="masked">●●●●●●●●</dd>
        </dl>
        <p class="l">${t('masked')}</p>
        ${
          !intakeConfigured
            ? unavailable(ctx.lang, {
                service: 'intake',
                reason: 'not-configured',
                detail: 'INTAKE_URL is not set',
              })
            : reveal
              ? html`<input id="reason" size="40" placeholder="${t('reason')}" aria-label="${t('reason')}" />
                  <button
                    data-post="/api/applications/${app.id}/reveal"
                    data-fields="reason"
                    data-render="#personal-data"
                    id="reveal"
                  >
                    ${t('reveal')}
                  </button>`
              : html`<p>${t('refused')}: ${ctx.operator.role}</p>`
        }
      </div>
    </div>
    <h3>${t('timeline')}</h3>
    <table>
      <thead>
        <tr>
          <th>Time</th>
          <th></th>
          <th>${t('event')}</th>
          <th>By</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${timeline.map(
          (e) =>
            html`<tr data-timeline="${e.what}">
              <td>${time(e.at, ctx.lang)}</td>
              <td>${e.kind === 'action' ? '👤' : ''}</td>
              <td>${e.what}</td>
              <td>${e.by}</td>
              <td>${e.detail}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

export function lanesBody(
  ctx: PageContext,
  lanes: { lanes: (LaneStatus & { origin: number })[]; problems: Failure[] },
  measured: readonly { lane: string; cards: number; attempts: number }[],
  faces: ReadonlyMap<string, Upstream<{ items: CardFacePreview[] }>>,
): Html {
  const t = translator(ctx.lang);
  const command = can(ctx.operator.role, 'lane.command');
  return html`<h2>${t('lanes')}</h2>
    ${lanes.problems.map((p) => unavailable(ctx.lang, p))}
    <table>
      <thead>
        <tr>
          <th>Lane</th>
          <th>${t('state')}</th>
          <th>${t('currentCard')}</th>
          <th class="num">${t('cardsPerHour')}</th>
          <th class="num">${t('spoilRate')}</th>
          <th>${t('reader')}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${lanes.lanes.map(
          (l) =>
            html`<tr data-lane="${l.id}">
                <td>${l.id}</td>
                <td data-state>${l.state}</td>
                <td>
                  ${l.currentCard ? html`<a href="/applications/${l.currentCard.applicationId}">${l.currentCard.applicationId}</a> #${l.currentCard.attempt ?? 1}` : '–'}
                </td>
                <td class="num">${l.cardsPerHour?.toFixed(0) ?? '–'}</td>
                <td class="num">${l.spoilRate !== undefined ? `${(l.spoilRate * 100).toFixed(1)}%` : '–'}</td>
                <td class="${l.reader && !l.reader.healthy ? 'warn' : ''}">
                  ${l.reader ? `${l.reader.name}: ${l.reader.healthy ? 'OK' : (l.reader.detail ?? 'fault')}` : '–'}
                </td>
                <td>
                  ${
                    command
                      ? html`<button data-post="/api/lanes/${l.id}/pause" data-action="pause">
                            ${t('pause')}
                          </button>
                          <button class="secondary" data-post="/api/lanes/${l.id}/drain" data-action="drain">
                            ${t('drain')}
                          </button>
                          <button data-post="/api/lanes/${l.id}/resume" data-action="resume">
                            ${t('resume')}
                          </button>`
                      : ''
                  }
                </td>
              </tr>
              ${
                faces.has(l.id)
                  ? html`<tr>
                      <td></td>
                      <td colspan="6" class="faces">${lanePreviews(ctx, l, faces.get(l.id)!)}</td>
                    </tr>`
                  : ''
              }`,
        )}
      </tbody>
    </table>
    <h3>${t('laneRate')} (events)</h3>
    <table>
      <thead>
        <tr>
          <th>Lane</th>
          <th class="num">${t('cardsPerHour')}</th>
          <th class="num">${t('spoilRate')}</th>
        </tr>
      </thead>
      <tbody>
        ${measured.map(
          (m) =>
            html`<tr>
              <td>${m.lane}</td>
              <td class="num">${m.cards}</td>
              <td class="num">
                ${m.attempts > 0 ? `${(((m.attempts - m.cards) / m.attempts) * 100).toFixed(1)}%` : '–'}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function lanePreviews(
  ctx: PageContext,
  lane: LaneStatus & { origin: number },
  faces: Upstream<{ items: CardFacePreview[] }>,
): Html {
  const t = translator(ctx.lang);
  if (!faces.ok) return unavailable(ctx.lang, faces);
  return html`${t('cardFaces')}:
  ${faces.value.items.map(
    (f) =>
      html`<img
        alt="${f.cardId}"
        src="/api/lanes/${lane.origin}/card-face?path=${encodeURIComponent(f.front)}"
      />`,
  )}`;
}

export function deadLettersBody(
  ctx: PageContext,
  counts: readonly { topic: string; parked: number; total: number }[],
  letters: readonly DeadLetter[],
): Html {
  const t = translator(ctx.lang);
  const act = can(ctx.operator.role, 'dead-letter.replay');
  return html`<h2>${t('deadLetters')}</h2>
    <table>
      <thead>
        <tr>
          <th>${t('topic')}</th>
          <th class="num">${t('parked')}</th>
          <th class="num">Total</th>
        </tr>
      </thead>
      <tbody>
        ${counts.map(
          (c) =>
            html`<tr>
              <td><a href="/dead-letters?topic=${c.topic}">${c.topic}</a></td>
              <td class="num">${c.parked}</td>
              <td class="num">${c.total}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${letters.length === 0 ? html`<p>${t('none')}</p>` : ''}
    ${letters.map(
      (d) =>
        html`<section
          data-dead-letter="${d.id}"
          style="background:#fff;border:1px solid #dde3ec;border-radius:6px;padding:8px;margin:8px 0"
        >
          <div>
            <b>#${d.id}</b> ${d.dltTopic} ← ${d.sourceTopic} · ${d.eventType ?? '?'} · ce_id
            ${d.eventId ?? '–'} · key ${d.key} · ${time(d.failedAt, ctx.lang)} · ${d.status}
          </div>
          <div class="warn">
            ${t('error')}: ${d.errorCode}: ${d.errorMessage} ${d.attempts ? `(${d.attempts} attempts)` : ''}
          </div>
          ${d.errorDetails ? html`<pre>${d.errorDetails}</pre>` : ''}
          <details>
            <summary>${t('event')}</summary>
            <pre>${prettyValue(d.value)}</pre>
            <pre>${JSON.stringify(d.headers, null, 1)}</pre>
          </details>
          ${
            act && d.status === 'parked'
              ? html`<button data-post="/api/dead-letters/${d.id}/replay" data-action="replay">
                    ${t('replay')}
                  </button>
                  <button
                    class="secondary"
                    data-post="/api/dead-letters/${d.id}/discard"
                    data-action="discard"
                    data-confirm="Discard #${d.id}?"
                  >
                    ${t('discard')}
                  </button>`
              : ''
          }
        </section>`,
    )}`;
}

function prettyValue(value: Buffer): string {
  const text = value.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function stuckBody(
  ctx: PageContext,
  items: readonly (ApplicationView & { thresholdSeconds: number })[],
  thresholds: Readonly<Record<string, number>>,
): Html {
  const t = translator(ctx.lang);
  return html`<h2>${t('stuck')} (${items.length})</h2>
    <p class="l">
      ${Object.entries(thresholds)
        .map(([s, v]) => `${s} > ${v} s`)
        .join(' · ')}
    </p>
    ${applicationRows(ctx, items)}`;
}

export function revocationsBody(
  ctx: PageContext,
  fromEvents: Awaited<ReturnType<ReadModelQueries['certificateActions']>>,
  pki: Upstream<{ items: RevocationEntry[] }>,
  crls: Upstream<CaCrl[]>,
): Html {
  const t = translator(ctx.lang);
  return html`<h2>${t('revocations')}</h2>
    <h3>${t('crlAge')}</h3>
    ${
      crls.ok
        ? html`<table data-crls>
            <thead>
              <tr>
                <th>CA</th>
                <th>${t('role')}</th>
                <th class="num">${t('crlAge')}</th>
                <th>thisUpdate</th>
                <th>nextUpdate</th>
                <th class="num">entries</th>
              </tr>
            </thead>
            <tbody>
              ${crls.value.map((ca) =>
                ca.crl.ok
                  ? html`<tr data-crl="${ca.caId}" class="${ca.crl.value.overdue ? 'warn' : ''}">
                      <td>${ca.caId}</td>
                      <td>${ca.role}</td>
                      <td class="num" data-crl-age>${age(ca.crl.value.thisUpdate, ctx.now)}</td>
                      <td>${time(ca.crl.value.thisUpdate, ctx.lang)}</td>
                      <td>
                        ${time(ca.crl.value.nextUpdate, ctx.lang)}${ca.crl.value.overdue ? ' (overdue)' : ''}
                      </td>
                      <td class="num">${ca.crl.value.entries}</td>
                    </tr>`
                  : html`<tr data-crl="${ca.caId}">
                      <td>${ca.caId}</td>
                      <td>${ca.role}</td>
                      <td colspan="4">${unavailable(ctx.lang, ca.crl)}</td>
                    </tr>`,
              )}
            </tbody>
          </table>`
        : unavailable(ctx.lang, crls)
    }
    <h3>CA</h3>
    ${
      pki.ok
        ? html`<table data-revocations>
            <thead>
              <tr>
                <th>Serial</th>
                <th>CA</th>
                <th>${t('cardNumber')}</th>
                <th>Purpose</th>
                <th>${t('state')}</th>
                <th>${t('reason')}</th>
                <th>Time</th>
              </tr>
            </thead>
            <tbody>
              ${pki.value.items.map(
                (r) =>
                  html`<tr data-serial="${r.serialNumber}">
                    <td>${r.serialNumber}</td>
                    <td>${r.caId}</td>
                    <td>${r.cardNumber}</td>
                    <td>${r.purpose}</td>
                    <td>${r.status}</td>
                    <td>${r.reason ?? 'unspecified'}${r.subReason ? ` / ${r.subReason}` : ''}</td>
                    <td>${time(r.at, ctx.lang)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : unavailable(ctx.lang, pki)
    }
    <h3>card.lifecycle-changed</h3>
    <table>
      <thead>
        <tr>
          <th>Application</th>
          <th>Card</th>
          <th>Action</th>
          <th>${t('reason')}</th>
          <th>Time</th>
        </tr>
      </thead>
      <tbody>
        ${fromEvents.map(
          (r) =>
            html`<tr>
              <td><a href="/applications/${r.application_id}">${r.application_id}</a></td>
              <td>${r.card_id}</td>
              <td>${r.action}</td>
              <td>${r.reason ?? '–'}${r.sub_reason ? `/${r.sub_reason}` : ''}</td>
              <td>${time(new Date(r.occurred_at).toISOString(), ctx.lang)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

export function forecastBody(
  ctx: PageContext,
  inputs: { backlog: number; laneCardsPerHour: number; arrivalsPerHour: number; lanes: number },
  forecast: BacklogForecast,
  peaks: readonly PeakWhatIf[] | undefined,
): Html {
  const t = translator(ctx.lang);
  const verdict =
    forecast.kind === 'clear'
      ? t('none')
      : forecast.kind === 'clears'
        ? `${time(forecast.at, ctx.lang)} (${forecast.hours.toFixed(1)} h)`
        : forecast.kind === 'grows'
          ? `never at this rate: the backlog grows by ${(-forecast.netPerHour).toFixed(0)}/h`
          : 'no lane throughput measured in the last hour';
  return html`<h2>${t('forecast')}</h2>
    <div class="cards">
      <div class="card">
        <div class="l">${t('backlog')}</div>
        <div class="n">${inputs.backlog}</div>
      </div>
      <div class="card">
        <div class="l">${t('laneRate')}</div>
        <div class="n">${inputs.laneCardsPerHour}</div>
        <div class="l">${inputs.lanes} lanes</div>
      </div>
      <div class="card">
        <div class="l">${t('arrivals')}</div>
        <div class="n">${inputs.arrivalsPerHour}</div>
      </div>
      <div class="card">
        <div class="l">${t('clearsAt')}</div>
        <div class="n" style="font-size:15px" data-forecast="${forecast.kind}">${verdict}</div>
      </div>
    </div>
    <h3>${t('peak')}</h3>
    ${
      peaks
        ? html`<table>
              <thead>
                <tr>
                  <th>Demand</th>
                  <th class="num">Cards/day</th>
                  <th class="num">Cards/lane/day</th>
                  <th class="num">Lanes needed</th>
                  <th class="num">Lanes now</th>
                  <th class="num">Shortfall</th>
                </tr>
              </thead>
              <tbody>
                ${peaks.map(
                  (p) =>
                    html`<tr>
                      <td title="${p.demand.basis}">${p.demand.name}</td>
                      <td class="num">${p.demand.cardsPerDay.toLocaleString('en')}</td>
                      <td class="num">${Math.round(p.cardsPerLaneDay).toLocaleString('en')}</td>
                      <td class="num">${p.lanesNeeded}</td>
                      <td class="num">${p.lanesNow}</td>
                      <td class="num ${p.shortfall > 0 ? 'warn' : ''}">${p.shortfall}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <p class="l">${peaks[0]?.demand.basis ?? ''}</p>`
        : html`<p>Needs a measured per-lane rate (no card.encoded events in the last hour).</p>`
    }`;
}

export function operatorsBody(
  ctx: PageContext,
  users: readonly { name: string; role: string }[],
  oidc: { issuer: string; rolesClaim: string } | undefined,
  auditRows: readonly {
    seq: string;
    at: Date;
    actor: string;
    role: string | null;
    action: string;
    target: string | null;
    reason: string | null;
    outcome: string;
  }[],
): Html {
  const t = translator(ctx.lang);
  return html`<h2>${t('operators')}</h2>
    <table>
      <thead>
        <tr>
          <th>${t('user')}</th>
          <th>${t('role')}</th>
        </tr>
      </thead>
      <tbody>
        ${users.map(
          (u) =>
            html`<tr>
              <td>${u.name}</td>
              <td>${u.role}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <p>OIDC: ${oidc ? `${oidc.issuer} (role claim ${oidc.rolesClaim})` : 'not configured'}</p>
    <h3>${t('auditLog')}</h3>
    <table>
      <thead>
        <tr>
          <th>#</th>
          <th>Time</th>
          <th>Actor</th>
          <th>${t('role')}</th>
          <th>Action</th>
          <th>Target</th>
          <th>${t('reason')}</th>
          <th>Outcome</th>
        </tr>
      </thead>
      <tbody>
        ${auditRows.map(
          (a) =>
            html`<tr>
              <td>${a.seq}</td>
              <td>${time(new Date(a.at).toISOString(), ctx.lang)}</td>
              <td>${a.actor}</td>
              <td>${a.role ?? ''}</td>
              <td>${a.action}</td>
              <td>${a.target ?? ''}</td>
              <td>${a.reason ?? ''}</td>
              <td>${a.outcome}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
