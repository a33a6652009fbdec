import type { LaneView } from './lane.service';
import type { QueueCounts, QueuedJob } from './queue/lane-queue';

const escape = (text: string) => text.replace(/[<>&"']/g, (ch) => `&#${ch.codePointAt(0)};`);

/** The operators' read-only queue page: ids, states and priorities only, no personal data. */
export function queuePage(lane: LaneView, counts: QueueCounts, jobs: readonly QueuedJob[]): string {
  const rows = jobs
    .map(
      (j) =>
        `<tr><td>${escape(j.state)}</td><td>${escape(j.priority)}</td><td><code>${escape(j.applicationId)}</code></td>` +
        `<td>${j.attempt}</td><td>${escape(j.addedAt)}</td><td>${j.failures}</td><td>${escape(j.failedReason ?? '')}</td></tr>`,
    )
    .join('');
  const f = lane.figures;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Lane pool ${escape(lane.pool)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style>
</head><body>
<h1>Lane pool ${escape(lane.pool)} (${escape(lane.queue)})</h1>
<p>Lane <b>${escape(lane.id)}</b>: ${escape(lane.state)}; utilisation ${(f.utilisation * 100).toFixed(1)} %,
${f.cardsPerHour.toFixed(0)} cards/hour, spoil rate ${(f.spoilRate * 100).toFixed(1)} % (last ${Math.round(f.windowSeconds)} s).</p>
<p>Waiting: express ${counts.waiting.express}, normal ${counts.waiting.normal}; active ${counts.active};
delayed ${counts.delayed}; failed ${counts.failed}; completed ${counts.completed}.</p>
<table><thead><tr><th>state</th><th>priority</th><th>application</th><th>attempt</th><th>added</th><th>failures</th><th>last error</th></tr></thead>
<tbody>${rows}</tbody></table></body></html>`;
}
