import { html, raw } from './html';
import { throughputChart } from './chart';

describe('server-rendered HTML', () => {
  it('escapes interpolated text and keeps nested Html', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p>${name}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
    expect(html`<div>${html`<b>${'a&b'}</b>`}${raw('<i></i>')}${[1, 2]}${undefined}</div>`.value).toBe(
      '<div><b>a&amp;b</b><i></i>12</div>',
    );
  });

  it('draws one line per series with a point per minute of the window', () => {
    const now = new Date('2026-04-01T10:00:30Z');
    const svg = throughputChart(
      [{ series: 'encode-lane', points: [{ minute: '2026-04-01T10:00:00.000Z', count: 4 }] }],
      10,
      now,
      { title: 't' },
    ).value;
    const points = /points="([^"]+)"/.exec(svg)![1].split(' ');
    expect(points).toHaveLength(10);
    expect(svg).toContain('encode-lane (4)');
  });
});
