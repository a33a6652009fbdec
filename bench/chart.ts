/** A horizontal bar chart as a standalone SVG, so the markdown report can show its figures at a glance. */
export function barChartSvg(title: string, bars: readonly { label: string; value: number }[]): string {
  const width = 720;
  const labelWidth = 260;
  const barHeight = 22;
  const gap = 8;
  const top = 36;
  const height = top + bars.length * (barHeight + gap) + 12;
  const max = Math.max(...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)), 1e-9);
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = bars.map((bar, i) => {
    const y = top + i * (barHeight + gap);
    const value = Number.isFinite(bar.value) ? bar.value : 0;
    const length = Math.max(1, ((width - labelWidth - 90) * value) / max);
    return [
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" fill="#3b6ea5"/>`,
      `<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + 16}">${escape(String(bar.value))}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
