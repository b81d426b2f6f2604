import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/selectBackend';
import { runPart, splitNetwork } from '../../src/models/splitModel';
import { buildBAlexNet } from '../../src/models/bAlexNet';
import { loadSplitModel } from '../../src/serve/splitModelFolder';
import { loadImageFolder } from '../../src/data/imageFolder';
import { mnistPackageDir, readMnistSet } from '../../src/data/mnistIdx';
import { normalizationTable } from '../../src/data/batchFill';
import { repoRoot } from '../../src/util/repoRoot';
import type { ImageSet } from '../../src/data/types';

/**
 * The split model must give every exit the whole model's logits: the device part's exits 1..k from
 * the image, the cloud part's exits k+1..E from the device's split tensor alone.
 */
const N = 256;
const root = repoRoot(__dirname);
const envData = process.env.EECAL_DATA;
const archive = envData && envData.endsWith('.tar.gz') ? envData : '/work/shared/datasets/cifar10-jpeg.tar.gz';

function normalisedBatch(set: ImageSet, n: number, norm: { mean: number[]; std: number[] }, shape: number[]): tf.Tensor4D {
  const c = shape[2];
  const per = shape[0] * shape[1] * c;
  const lut = normalizationTable(norm, c);
  const out = new Float32Array(n * per);
  for (let i = 0; i < n * per; i++) out[i] = lut[(i % c) * 256 + set.pixels[i]];
  return tf.tensor4d(out, [n, shape[0], shape[1], c]);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function checkFolder(dir: string, set: ImageSet, ks: number[]): Promise<void> {
  for (const k of ks) {
    const s = loadSplitModel(dir, k);
    const x = normalisedBatch(set, N, s.manifest.normalization, s.inputShape);
    const whole = await runPart(s.net.model, x);
    const dev = await runPart(s.device, x);
    const split = tf.tensor(dev[k], [N, ...s.splitShape]);
    const cloud = await runPart(s.cloud, split);
    // The device stage by stage (what the edge runs: stage j only when exits < j were not confident).
    let t: tf.Tensor = x;
    const staged: Float32Array[] = [];
    for (const stage of s.deviceStages) {
      const [logits, next] = await runPart(stage, t);
      if (t !== x) t.dispose();
      staged.push(logits);
      t = tf.tensor(next, [N, ...(stage.outputs[1].shape.slice(1) as number[])]);
    }
    assert.equal(maxAbsDiff(await t.data() as Float32Array, dev[k]), 0, 'staged split tensor');
    staged.forEach((l, e) => assert.ok(maxAbsDiff(l, whole[e]) <= 1e-5, `staged exit ${e + 1}`));
    tf.dispose([x, split, t]);
    const E = s.exitNames.length;
    assert.equal(dev.length, k + 1);
    assert.equal(cloud.length, E - k);
    const parts = [...dev.slice(0, k), ...cloud];
    for (let e = 0; e < E; e++) {
      const d = maxAbsDiff(parts[e], whole[e]);
      assert.ok(d <= 1e-5, `${path.basename(dir)} k=${k} exit ${e + 1}: max |Δlogit| ${d}`);
    }
    // The logits are real (a trained model's), not all equal: the comparison could fail.
    assert.ok(new Set(whole[E - 1].slice(0, 50)).size > 40);
  }
}

test('split model: cloud part refuses k outside 1 … E−1 and keeps the split tensor shape', () => {
  const net = buildBAlexNet({ seed: 1 });
  assert.throws(() => splitNetwork(net, 0), /edge exits 0: expected an integer in 1 … 2/);
  assert.throws(() => splitNetwork(net, 3), /edge exits 3/);
  assert.deepEqual(splitNetwork(net, 1).splitShape, [16, 16, 64]);
  assert.deepEqual(splitNetwork(net, 2).splitShape, [8, 8, 96]);
});

test('split model: B-LeNet k = 1, logits equal the whole model within 1e-5 on 256 MNIST test images', async () => {
  await selectBackend({ training: false });
  await checkFolder(path.join(root, 'models/b-lenet-mnist'), readMnistSet(mnistPackageDir(), 'test'), [1]);
});

test('split model: B-AlexNet k = 1 and 2, logits equal the whole model within 1e-5 on 256 CIFAR-10 test images',
  { skip: fs.existsSync(archive) ? false : `CIFAR-10 archive not found at ${archive} (set EECAL_DATA)` }, async () => {
    await selectBackend({ training: false });
    const d = await loadImageFolder(archive, { sets: ['test'] });
    await checkFolder(path.join(root, 'models/b-alexnet-cifar10'), d.sets.test!, [1, 2]);
  });
