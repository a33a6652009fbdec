import type { Operator } from '../auth/session';
import { can, type Action } from '../auth/roles';
import { html, raw, type Html } from './html';
import { translator, type LabelKey, type Lang } from './i18n';

export interface PageContext {
  readonly lang: Lang;
  readonly operator: Operator;
  readonly now: Date;
  readonly path: string;
}

const NAV: readonly { path: string; label: LabelKey; action: Action }[] = [
  { path: '/', label: 'overview', action: 'view' },
  { path: '/applications', label: 'applications', action: 'view' },
  { path: '/reviews', label: 'reviews', action: 'view' },
  { path: '/lanes', label: 'lanes', action: 'view' },
  { path: '/dead-letters', label: 'deadLetters', action: 'view' },
  { path: '/stuck', label: 'stuck', action: 'view' },
  { path: '/revocations', label: 'revocations', action: 'view' },
  { path: '/forecast', label: 'forecast', action: 'view' },
  { path: '/operators', label: 'operators', action: 'operators.read' },
];

export const STYLES = `
*{box-sizing:border-box}body{margin:0;font:14px/1.4 "Noto Sans CJK JP","Noto Sans JP",system-ui,sans-serif;color:#1d2433;background:#f4f6f9}
header{display:flex;align-items:center;gap:12px;background:#13294b;color:#fff;padding:6px 14px;flex-wrap:wrap}
header h1{font-size:15px;margin:0 8px 0 0}header nav{display:flex;gap:2px;flex-wrap:wrap;flex:1}
header nav a{color:#cfe0ff;text-decoration:none;padding:4px 8px;border-radius:4px}header nav a.current{background:#2c4a7a;color:#fff}
header .who{font-size:12px;display:flex;gap:8px;align-items:center}header .who a,header .who button{color:#cfe0ff;background:none;border:0;cursor:pointer;font:inherit}
#live{display:inline-block;width:8px;height:8px;border-radius:50%;background:#888;margin-right:4px}#live.on{background:#3ccf6e}
main{padding:12px 16px;max-width:1400px}h2{font-size:17px;margin:6px 0 10px}h3{font-size:14px;margin:12px 0 6px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e1e5ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7;font-weight:600;font-size:12px}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px;margin-bottom:12px}
.card{background:#fff;border:1px solid #dde3ec;border-radius:6px;padding:8px 10px}.card .n{font-size:22px;font-weight:600}
.card .l{font-size:12px;color:#5a6478}.warn{color:#b3261e}.ok{color:#1b7f3b}
.unavailable{background:#fff4e5;border:1px solid #f0c27b;padding:8px 10px;border-radius:6px;margin:6px 0}
#flash{min-height:1.4em;margin:4px 16px}#flash.error{color:#b3261e}#flash.ok{color:#1b7f3b}
button,.button{font:inherit;padding:4px 10px;border:1px solid #2c4a7a;background:#2c4a7a;color:#fff;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#2c4a7a}button:disabled{opacity:.5}input,select,textarea{font:inherit;padding:3px 6px}
.grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:14px}@media(max-width:1000px){.grid2{grid-template-columns:1fr}}
pre{background:#fff;border:1px solid #dde3ec;padding:6px;overflow:auto;max-height:220px;font-size:12px;margin:4px 0}
dl.pd{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px}dl.pd dt{color:#5a6478}.masked{letter-spacing:2px;color:#8a93a6}
.tag{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:#e4e9f2}.tag.express{background:#ffe1c2}
.tag.red{background:#f9d2cf}.tag.amber{background:#ffefc2}.tag.green{background:#d3f1dc}
.chart text{font-size:10px;fill:#5a6478}.faces img{height:110px;border:1px solid #ccd;margin-right:6px}
`;

export function page(ctx: PageContext, title: LabelKey, body: Html, options: { live?: boolean } = {}): Html {
  const t = translator(ctx.lang);
  const other: Lang = ctx.lang === 'ja' ? 'en' : 'ja';
  return html`<!doctype html>
    <html lang="${ctx.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${t(title)} · ${t('title')}</title>
        <style>
          ${raw(STYLES)}
        </style>
      </head>
      <body>
        <header>
          <h1>${t('title')}</h1>
          <nav>
            ${NAV.filter((n) => can(ctx.operator.role, n.action)).map(
              (n) =>
                html`<a
                  href="${n.path}"
                  class="${ctx.path === n.path || (n.path !== '/' && ctx.path.startsWith(n.path)) ? 'current' : ''}"
                  >${t(n.label)}</a
                >`,
            )}
          </nav>
          <div class="who">
            ${options.live ? html`<span><span id="live"></span>${t('live')}</span>` : ''}
            <span>${ctx.operator.name} (${ctx.operator.role})</span>
            <a href="/lang/${other}" data-lang>${other === 'ja' ? '日本語' : 'English'}</a>
            <form method="post" action="/auth/logout" style="display:inline">
              <button type="submit">${t('logout')}</button>
            </form>
          </div>
        </header>
        <div id="flash" role="status"></div>
        <main ${options.live ? raw('data-live') : ''}>${body}</main>
        <script src="/assets/dashboard.js" defer></script>
      </body>
    </html>`;
}

export function loginPage(lang: Lang, options: { error?: string; oidc: boolean }): Html {
  const t = translator(lang);
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <title>${t('login')} · ${t('title')}</title>
        <style>
          ${raw(STYLES)}
        </style>
      </head>
      <body>
        <header><h1>${t('title')}</h1></header>
        <main>
          <h2>${t('login')}</h2>
          ${options.error ? html`<p class="warn" role="alert">${options.error}</p>` : ''}
          <form method="post" action="/auth/login" style="display:grid;gap:8px;max-width:320px">
            <label
              >${t('user')}<br /><input name="username" id="username" autocomplete="username" required
            /></label>
            <label
              >${t('password')}<br /><input
                name="password"
                id="password"
                type="password"
                autocomplete="current-password"
                required
            /></label>
            <button type="submit" id="sign-in">${t('login')}</button>
          </form>
          ${options.oidc ? html`<p><a class="button" href="/auth/oidc/login">${t('loginWithOidc')}</a></p>` : ''}
          <p><a href="/lang/${lang === 'ja' ? 'en' : 'ja'}">${lang === 'ja' ? 'English' : '日本語'}</a></p>
        </main>
      </body>
    </html>`;
}

/** The plain statement shown wherever another service does not provide what the page needs. */
export function unavailable(lang: Lang, problem: { service: string; reason: string; detail: string }): Html {
  const t = translator(lang);
  const what =
    problem.reason === 'not-exposed'
      ? `${problem.service} does not expose it yet (${problem.detail})`
      : problem.reason === 'not-configured'
        ? `${problem.service} is not configured (${problem.detail})`
        : `${problem.service}: ${problem.detail}`;
  return html`<div class="unavailable" data-unavailable="${problem.service}">
    ${t('notAvailable')}: ${what}
  </div>`;
}

export function age(fromIso: string | undefined, now: Date): string {
  if (!fromIso) return '–';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(fromIso)) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function time(iso: string | undefined, lang: Lang): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: 'Asia/Tokyo',
    hour12: false,
  });
}
