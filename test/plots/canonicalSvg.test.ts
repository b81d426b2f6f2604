import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalSvgRoot } from '../../src/plots/export/canonicalSvg';

const HEAD =
  '<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="760" height="518"';

test('the two root-tag orders plotly produces for one figure become one byte sequence', () => {
  const a = `${HEAD} style="" viewBox="0 0 760 518"><rect x="0"/></svg>`;
  const b = `${HEAD} viewBox="0 0 760 518" style=""><rect x="0"/></svg>`;
  assert.equal(canonicalSvgRoot(a), a);
  assert.equal(canonicalSvgRoot(b), a);
});

test('unknown root attributes keep their order after the known ones; inner tags are untouched', () => {
  const s = '<svg data-b="2" viewBox="0 0 1 1" data-a="1" width="1"><g viewBox="x" style="y"/></svg>';
  assert.equal(
    canonicalSvgRoot(s),
    '<svg width="1" viewBox="0 0 1 1" data-b="2" data-a="1"><g viewBox="x" style="y"/></svg>',
  );
});

test('a root tag it cannot parse whole is left as it is', () => {
  const s = '<svg viewBox=\'0 0 1 1\' width="1"><g/></svg>';
  assert.equal(canonicalSvgRoot(s), s);
  assert.equal(canonicalSvgRoot('<g/>'), '<g/>');
});
