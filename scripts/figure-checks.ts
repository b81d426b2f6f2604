/**
 * Layout checks of rendered figures in headless Chromium (plotly.js draws each figure into a page):
 * - no axis prints the same tick label twice,
 * - the title lies inside the figure and overlaps no legend entry,
 * - every legend entry's (colour, dash, marker) is unique within its figure.
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
