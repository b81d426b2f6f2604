import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resizeBilinear } from '../../src/data/resize';
import fixture from './fixtures/resize.json';

test('bilinear resize matches torch interpolate(align_corners=False) to the nearest level', () => {
  for (const c of fixture.cases) {
    const out = resizeBilinear(Uint8Array.from(c.input), c.h, c.w, c.c, c.outH, c.outW);
    assert.equal(out.length, c.expected.length);
    c.expected.forEach((e, i) =>
      assert.ok(
        Math.abs(out[i] - e) <= 0.5 + 1e-9,
        `${c.h}×${c.w}→${c.outH}×${c.outW} [${i}]: ${out[i]} vs torch ${e}`,
      ),
    );
  }
});

test('same size returns the input unchanged', () => {
  const img = Uint8Array.from([1, 2, 3, 4]);
  assert.equal(resizeBilinear(img, 2, 2, 1, 2, 2), img);
});
