/**
 * Layout checks of rendered figures in headless Chromium (plotly.js draws each figure into a page):
 * - no axis prints the same tick label twice,
 * - the title lies inside the figure and overlaps no legend entry,
 * - every legend entry's (colour, dash, marker) is unique within its figure,
 * - no note, heading or legend lies over a plot area (except an annotation over its own subplot),
 * - no two titles (figure, axis, panel headings, notes) overlap,
 * - no title or note is cut at the figure's edge,
 * - a title promising "rows = A, columns = B" has a full grid of panels (no wrapped rows).
 * Used by `npm run test:browser` on the fixture figures and on every figure JSON `eecal reproduce`
 * wrote under results/.
 */
import type { Page } from 'playwright-core';
import type { PlotlyFigure } from '../src/plots/figure';
import { scriptSafeJson } from '../src/plots/export/html';

/** In-page code, a string so no compiler helper leaks into the page. Returns the problems found. */
const CHECK = `async (fig) => {
  const problems = [];
  const div = document.createElement('div');
  document.body.innerHTML = '';
  document.body.appendChild(div);
  await Plotly.newPlot(div, fig.data, fig.layout, { staticPlot: false });
  const svg = div.querySelector('.main-svg').getBoundingClientRect();
  // 1. Repeated tick labels, per axis (each subplot draws its own x and y tick layers).
  for (const layer of div.querySelectorAll('.xaxislayer-above, .yaxislayer-above')) {
    const sub = layer.closest('.subplot');
    const axis = (sub ? sub.getAttribute('class').replace('subplot', '').trim() : '?') + (layer.classList.contains('xaxislayer-above') ? ' x' : ' y');
    const labels = Array.from(layer.querySelectorAll('text')).map((t) => t.textContent).filter((t) => t && t.trim());
    const seen = new Set();
    for (const l of labels) {
      if (seen.has(l)) { problems.push('axis ' + axis + ' repeats tick label "' + l + '" (' + labels.join(', ') + ')'); break; }
      seen.add(l);
    }
  }
  // 2. Title inside the figure and clear of the legend.
  const title = div.querySelector('.gtitle');
  if (title && title.textContent.trim()) {
    const t = title.getBoundingClientRect();
    if (t.left < svg.left - 1 || t.right > svg.right + 1 || t.top < svg.top - 1 || t.bottom > svg.bottom + 1) {
      problems.push('title "' + title.textContent.slice(0, 60) + '" runs off the figure (' + [t.left, t.right, t.top, t.bottom].map(Math.round) + ' vs ' + [svg.left, svg.right, svg.top, svg.bottom].map(Math.round) + ')');
    }
    for (const e of div.querySelectorAll('.legend .traces')) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom) {
        problems.push('title overlaps legend entry "' + e.textContent + '"');
      }
    }
  }
  // Boxes relative to the figure's own top-left corner (plot areas come in those units).
  const rel = (r) => ({ l: r.left - svg.left, r: r.right - svg.left, t: r.top - svg.top, b: r.bottom - svg.top });
  const meets = (a, b, pad) => a.l < b.r - pad && b.l < a.r - pad && a.t < b.b - pad && b.t < a.b - pad;
  const fl = div._fullLayout;
  const plots = Object.entries(fl._plots).map(([id, p]) => ({ id, x: p.xaxis._id, y: p.yaxis._id,
    box: { l: p.xaxis._offset, r: p.xaxis._offset + p.xaxis._length, t: p.yaxis._offset, b: p.yaxis._offset + p.yaxis._length } }));
  const anns = Array.from(div.querySelectorAll('g.annotation')).map((g) => {
    const i = Number(g.getAttribute('data-index'));
    const a = fl.annotations[i] || {};
    return { text: g.textContent.trim(), box: rel(g.getBoundingClientRect()), xanchor: a.xanchor, xaxis: String(a.xref || '').split(' ')[0], yaxis: String(a.yref || '').split(' ')[0], yref: String(a.yref || ''), y: a.y };
  }).filter((a) => a.text && a.box.r > a.box.l);
  const short = (t) => '"' + t.replace(/\\s+/g, ' ').slice(0, 50) + '"';
  // 4. Text over a plot area: a note or heading tied to the figure (paper) may cover no plot, and
  // one tied to a subplot's axes only its own (the ECE box inside a reliability panel).
  for (const a of anns) {
    for (const p of plots) {
      const own = a.xaxis === p.x && a.yaxis === p.y;
      if (!own && meets(a.box, p.box, 1)) { problems.push('text ' + short(a.text) + ' lies over the plot area of ' + p.id); break; }
    }
  }
  const legendBox = div.querySelector('.legend');
  if (legendBox) {
    const lb = rel(legendBox.getBoundingClientRect());
    const p = plots.find((q) => lb.r > lb.l && meets(lb, q.box, 1));
    if (p) problems.push('the legend lies over the plot area of ' + p.id);
  }
  // 5. Titles over titles: the figure title, axis titles and annotations (panel headings, notes)
  // must not overlap one another.
  const titled = Array.from(div.querySelectorAll('g[class^="g-"][class$="title"] text'))
    .filter((t) => t.textContent.trim()).map((t) => ({ text: t.textContent.trim(), box: rel(t.getBoundingClientRect()) }));
  const texts = [...titled, ...anns];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (meets(texts[i].box, texts[j].box, 0.5)) problems.push('titles ' + short(texts[i].text) + ' and ' + short(texts[j].text) + ' overlap');
    }
  }
  // 6. No text cut at the figure's edge (axis titles, headings, notes; the main title above).
  const W = svg.right - svg.left;
  const H = svg.bottom - svg.top;
  // Axis titles may touch the edge (plotly's automargin puts them there; their box is the font's,
  // not the ink's). Headings and notes keep 2 px clear plus 8 % of their width on the side they
  // grow to: the PNG is plotly's SVG rasterised as an image, where text runs wider than this page
  // measures it (a 290-px heading that ends 20 px inside here was cut at the right edge of the PNG).
  for (const t of [...titled.map((x) => ({ ...x, pad: -1, slack: 0 })), ...anns.map((x) => ({ ...x, pad: 2, slack: 0.08 }))]) {
    const grow = t.slack * (t.box.r - t.box.l);
    const growL = t.xanchor === 'left' ? 0 : t.xanchor === 'right' ? grow : grow / 2;
    const growR = t.xanchor === 'right' ? 0 : t.xanchor === 'left' ? grow : grow / 2;
    if (t.box.l - growL < t.pad || t.box.t < t.pad || t.box.r + growR > W - t.pad || t.box.b > H - t.pad) {
      problems.push('text ' + short(t.text) + ' is cut at the figure edge (' + [t.box.l, t.box.r, t.box.t, t.box.b].map(Math.round) + ' in ' + Math.round(W) + ' × ' + Math.round(H) + ')');
    }
  }
  // 7. A title that promises "rows = A, columns = B" needs a full grid of panel headings: rows ×
  // columns headings, one A per row and one B per column (headings read "A · B").
  const promise = /rows\\s*=\\s*([^,;]+),\\s*columns\\s*=\\s*([^,;)]+)/i.exec(title ? title.textContent : '');
  if (promise) {
    const heads = anns.filter((a) => a.yref.endsWith('domain') && typeof a.y === 'number' && a.y >= 1);
    const key = (v) => Math.round(v / 4);
    const rows = [...new Set(heads.map((h) => key(h.box.b)))];
    const cols = [...new Set(heads.map((h) => key((h.box.l + h.box.r) / 2)))];
    if (rows.length * cols.length !== heads.length) {
      problems.push('the title promises rows = ' + promise[1].trim() + ', columns = ' + promise[2].trim() + ' but its ' + heads.length + ' panels sit in ' + rows.length + ' rows × ' + cols.length + ' columns (a wrapped row?)');
    } else {
      const part = (h, n) => (h.text.includes(' · ') ? h.text.split(' · ')[n].trim() : null);
      for (const r of rows) {
        const firsts = new Set(heads.filter((h) => key(h.box.b) === r).map((h) => part(h, 0)));
        if (firsts.size > 1) problems.push('a row of panels mixes ' + [...firsts].join(', ') + ' (rows = ' + promise[1].trim() + ')');
      }
      for (const c of cols) {
        const seconds = new Set(heads.filter((h) => key((h.box.l + h.box.r) / 2) === c).map((h) => part(h, 1)));
        if (seconds.size > 1) problems.push('a column of panels mixes ' + [...seconds].join(', ') + ' (columns = ' + promise[2].trim() + ')');
      }
    }
  }
  // 3. Legend entries' styles unique (entries shown now: visible traces with showlegend).
  const styles = new Map();
  for (const tr of div._fullData) {
    if (tr.visible !== true && tr.visible !== 'legendonly') continue;
    if (!tr.showlegend) continue;
    const mode = tr.mode || '';
    const parts = [tr.type];
    if (tr.type === 'bar' || tr.type === 'histogram') parts.push(String(tr.marker && tr.marker.color), String(tr.marker && tr.marker.pattern && tr.marker.pattern.shape));
    else {
      if (mode.includes('lines')) parts.push('line ' + (tr.line && tr.line.color) + ' ' + (tr.line && tr.line.dash));
      if (mode.includes('markers')) parts.push('marker ' + (tr.marker && tr.marker.color) + ' ' + (tr.marker && tr.marker.symbol));
      if (tr.fill && tr.fill !== 'none') parts.push('fill ' + tr.fillcolor);
    }
    const key = parts.join(' | ');
    if (styles.has(key)) problems.push('legend entries "' + styles.get(key) + '" and "' + tr.name + '" share one style (' + key + ')');
    else styles.set(key, tr.name);
  }
  Plotly.purge(div);
  return problems;
}`;

/** Problems of one figure, rendered in `page` (which must have plotly.js loaded). */
export async function checkFigure(page: Page, fig: PlotlyFigure): Promise<string[]> {
  return (await page.evaluate(`(${CHECK})(${scriptSafeJson({ data: fig.data, layout: fig.layout })})`)) as string[];
}
