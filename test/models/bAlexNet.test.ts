import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildBAlexNet } from '../../src/models/bAlexNet';
import { buildBLeNet } from '../../src/models/bLeNet';
import { computeExitCosts } from '../../src/models/exitCosts';
import { placeExits, placementFractions } from '../../src/models/exitPlacement';

test('B-AlexNet: three named logit outputs of shape [batch, 10]', async () => {
  await tf.setBackend('cpu');
  const net = buildBAlexNet({ seed: 1 });
  assert.deepEqual(net.exitNames, ['branch1', 'branch2', 'final']);
  assert.deepEqual(net.model.outputNames, ['branch1', 'branch2', 'final']);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(() => net.model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor[]);
  assert.deepEqual(outs.map((o) => o.shape), [[2, 10], [2, 10], [2, 10]]);
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before);
  net.model.dispose();
});

test('B-AlexNet: parameter counts, MACs and split tensors match docs/paper-notes.md#b-alexnet (hand-derived)', () => {
  const net = buildBAlexNet();
  const [b1, b2, fin] = computeExitCosts(net);
  assert.equal(fin.params, 544_074); // trunk
  assert.equal(b1.headParams, 32_842);
  assert.equal(b2.headParams, 28_970);
  // conv1 32·32·32·5·5·3 = 2,457,600; conv2 16·16·64·5·5·32 = 13,107,200.
  assert.equal(b1.trunkMacs, 2_457_600 + 13_107_200);
  // branch 1: conv 8·8·32·9·64 + conv 8·8·32·9·32 + fc 512·10
  assert.equal(b1.macs - b1.trunkMacs, 1_179_648 + 589_824 + 5_120);
  // conv3 8·8·96·9·64 = 3,538,944; branch 2: conv 4·4·32·9·96 + fc 128·10
  assert.equal(b2.trunkMacs, b1.trunkMacs + 3_538_944);
  assert.equal(b2.macs - b2.trunkMacs, 442_368 + 1_280);
  // conv4 8·8·96·9·96 = 5,308,416; conv5 8·8·64·9·96 = 3,538,944; FCs 262,144 + 32,768 + 1,280
  assert.equal(fin.macs, b2.trunkMacs + 5_308_416 + 3_538_944 + 262_144 + 32_768 + 1_280);
  assert.deepEqual(b1.splitTensorShape, [16, 16, 64]);
  assert.equal(b1.splitTensorBytes, 65_536);
  assert.deepEqual(b2.splitTensorShape, [8, 8, 96]);
  assert.equal(b2.splitTensorBytes, 24_576);
  assert.equal(fin.splitTensorBytes, null);
  net.model.dispose();
});

test('same seed → identical initial weights; different seed → different', () => {
  const a = buildBLeNet({ seed: 3 }), b = buildBLeNet({ seed: 3 }), c = buildBLeNet({ seed: 4 });
  const w = (n: typeof a) => n.model.getWeights()[0].dataSync();
  assert.deepEqual(w(a), w(b));
  assert.notDeepEqual(w(a), w(c));
  for (const n of [a, b, c]) n.model.dispose();
});

test('exit placement: linear and pareto fractions', () => {
  assert.deepEqual(placementFractions('linear', 3), [0.25, 0.5, 0.75]);
  const p = placementFractions('pareto', 2);
  assert.ok(Math.abs(p[0] - 0.2) < 1e-12 && Math.abs(p[1] - 0.36) < 1e-12);
  // 10 equal blocks: cumulative 10,20,…,100. Linear with 3 branches → 25,50,75 → indices 2,4,7 (first ≥).
  const cum = Array.from({ length: 10 }, (_, i) => (i + 1) * 10);
  assert.deepEqual(placeExits(cum, 3, 'linear'), [2, 4, 7]);
  // Pareto 2 branches → 20, 36 → indices 1, 3.
  assert.deepEqual(placeExits(cum, 2, 'pareto'), [1, 3]);
  // One huge block first: both branches cannot share a point.
  assert.deepEqual(placeExits([90, 95, 100], 2, 'linear'), [0, 1]);
});

test('placed network: branches go where the cumulative MACs reach the rule\'s fractions', async () => {
  const { buildPlacedNetwork } = await import('../../src/models/placedNetwork');
  // 3×3 'same' convs on 8×8: MACs = 8·8·filters·9·inChannels → 9,216; 9,216; 18,432; 18,432; 9,216; 9,216.
  const conv = (f: number) => (x: tf.SymbolicTensor) => tf.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const head = (x: tf.SymbolicTensor, C: number, name: string) =>
    tf.layers.dense({ units: C, name }).apply(tf.layers.globalAveragePooling2d({}).apply(x)) as tf.SymbolicTensor;
  const build = (rule: 'linear' | 'pareto') => buildPlacedNetwork({
    name: 'toy', inputShape: [8, 8, 4], numClasses: 3, blocks: [conv(4), conv(4), conv(8), conv(4), conv(4), conv(4)],
    numBranches: 2, rule, branchHead: head, finalHead: head,
  });
  const lin = build('linear');
  assert.deepEqual(lin.cumulativeMacs, [9_216, 18_432, 36_864, 55_296, 64_512, 73_728]);
  // Linear: 73,728·1/3 = 24,576 → block 2 (36,864); ·2/3 = 49,152 → block 3 (55,296).
  assert.deepEqual(lin.branchAfterBlocks, [2, 3]);
  assert.deepEqual(lin.exitNames, ['branch1', 'branch2', 'final']);
  // Pareto: 73,728·0.2 = 14,746 → block 1; ·0.36 = 26,542 → block 2.
  assert.deepEqual(build('pareto').branchAfterBlocks, [1, 2]);
  const outs = lin.model.predict(tf.zeros([1, 8, 8, 4])) as tf.Tensor[];
  assert.deepEqual(outs.map((o) => o.shape), [[1, 3], [1, 3], [1, 3]]);
  tf.dispose(outs);
});
