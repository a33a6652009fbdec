import { html, raw, type Html } from './html';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];

/**
 * A line chart of completions per minute, one line per series, drawn as SVG on the server (no chart
 * library in the browser). Minutes without completions count as zero.
 */
export function throughputChart(
  series: readonly { series: string; points: readonly { minute: string; count: number }[] }[],
  windowMinutes: number,
  now: Date,
  options: { width?: number; height?: number; title: string } = { title: '' },
): Html {
  const width = options.width ?? 760;
  const height = options.height ?? 220;
  const pad = { left: 34, right: 120, top: 10, bottom: 22 };
  const end = Math.floor(now.getTime() / 60_000) * 60_000;
  const start = end - (windowMinutes - 1) * 60_000;
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.count)));
  const x = (t: number) =>
    pad.left + ((t - start) / Math.max(1, end - start)) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const lines = series.map((s, i) => {
    const byMinute = new Map(s.points.map((p) => [Date.parse(p.minute), p.count]));
    const points: string[] = [];
    for (let t = start; t <= end; t += 60_000)
      points.push(`${x(t).toFixed(1)},${y(byMinute.get(t) ?? 0).toFixed(1)}`);
    const colour = COLOURS[i % COLOURS.length];
    const total = s.points.reduce((sum, p) => sum + p.count, 0);
    return html`<polyline fill="none" stroke="${colour}" stroke-width="1.8" points="${points.join(' ')}"
        ><title>${s.series}</title></polyline
      >
      <rect
        x="${width - pad.right + 10}"
        y="${pad.top + i * 16}"
        width="10"
        height="10"
        fill="${colour}"
      ></rect>
      <text x="${width - pad.right + 24}" y="${pad.top + i * 16 + 9}">${s.series} (${total})</text>`;
  });
  const ticks = [0, Math.round(max / 2), max].map(
    (v) =>
      html`<text x="${pad.left - 4}" y="${y(v) + 3}" text-anchor="end">${v}</text>
        <line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e1e5ec"></line>`,
  );
  return html`<svg
    class="chart"
    role="img"
    aria-label="${options.title}"
    viewBox="0 0 ${width} ${height}"
    width="100%"
    style="max-width:${width}px;background:#fff;border:1px solid #dde3ec"
  >
    ${ticks}
    <text x="${pad.left}" y="${height - 6}">-${windowMinutes} min</text>
    <text x="${width - pad.right}" y="${height - 6}" text-anchor="end">${raw('now')}</text>
    ${lines}
  </svg>`;
}
