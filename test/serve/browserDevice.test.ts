import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../src/plots/export/chromium';
import { METHODS, N_IMAGES, offlineAnswers, pixelsOf, startPair } from './servePair';

/**
 * The device part in headless Chromium: the edge's /device/ page loads the device stages with tfjs,
 * answers or offloads to the cloud with fetch (CORS), and every answer equals the offline cascade.
 */
const exe = findChromium();
const IMAGES = 100;

test(
  `browser device page: ${IMAGES} test images through the page equal the offline cascade`,
  { skip: exe ? false : 'no Chromium (set EECAL_CHROMIUM)', timeout: 120_000 },
  async () => {
    assert.ok(IMAGES > N_IMAGES, 'the page sees more images than the shared fixtures');
    const pair = await startPair({ allowOrigin: '*' });
    const browser = await chromium.launch({ executablePath: exe!, headless: true, args: [...CHROMIUM_ARGS] });
    try {
      const page = await browser.newPage();
      // Only the two local servers may be reached.
      await page.route('**/*', (route) =>
        route.request().url().startsWith('http://127.0.0.1:') ? route.continue() : route.abort(),
      );
      await page.goto(`${pair.edge.url}/device/`);
      await page.waitForFunction('window.eecalReady === true || window.eecalError !== undefined', undefined, {
        timeout: 60_000,
      });
      assert.equal(await page.evaluate('window.eecalError'), undefined);
      const requests = Array.from({ length: IMAGES }, (_, i) => ({
        i,
        pixels: Array.from(pixelsOf(i)),
        method: METHODS[i % 2],
        pTar: i % 4 < 2 ? 0.9 : 0.999,
      }));
      const answers = (await page.evaluate(`(async (reqs) => {
      const out = [];
      for (const r of reqs) out.push(await window.eecalClassify(Uint8Array.from(r.pixels), { pTar: r.pTar, method: r.method }));
      return out;
    })(${JSON.stringify(requests)})`)) as Array<{
        exit: number;
        prediction: number;
        confidence: number;
        offloaded: boolean;
        fallback: boolean;
      }>;
      // The reference over all 100 images: the whole model in Node, batched, through runCascade.
      const expected = await offlineAnswers(pair.model, IMAGES);
      const wrong = answers
        .map((a, i) => ({ i, a, want: expected.get(`${requests[i].method}@${requests[i].pTar}`)![i] }))
        .filter(
          ({ a, want }) =>
            a.exit !== want.exit ||
            a.prediction !== want.prediction ||
            a.fallback ||
            Math.abs(a.confidence - want.confidence) > 1e-4,
        );
      assert.deepEqual(wrong, []);
      assert.ok(answers.some((a) => a.offloaded) && answers.some((a) => !a.offloaded), 'both outcomes occur');
      const health = (await (await fetch(`${pair.cloud.url}/health`)).json()) as { served: number };
      assert.equal(
        health.served,
        answers.filter((a) => a.offloaded).length,
        'the page posted every offloaded image to the cloud, once',
      );
    } finally {
      await browser.close();
      await pair.close();
    }
  },
);
