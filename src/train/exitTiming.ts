import * as tf from '@tensorflow/tfjs';
import type { EarlyExitNetwork } from '../models/earlyExitNetwork';

/**
 * Measured inference time per sample up to and including each exit on the current backend:
 * a sub-model per exit (input → that exit's logits) timed over `batches` batches after one
 * warm-up batch. This is what a device would spend before it can decide at that exit.
 */
export async function measureExitTimes(net: EarlyExitNetwork, batchSize = 64, batches = 4): Promise<number[]> {
  const model = net.model;
  const times: number[] = [];
  const x = tf.randomUniform([batchSize, ...net.spec.inputShape], 0, 1, 'float32', 7) as tf.Tensor4D;
  for (const out of model.outputs as tf.SymbolicTensor[]) {
    const sub = tf.model({ inputs: model.inputs, outputs: out });
    const run = async () => {
      const y = sub.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
    };
    await run(); // warm-up: kernel compilation / first allocation
    const t0 = performance.now();
    for (let i = 0; i < batches; i++) await run();
    times.push((performance.now() - t0) / (batches * batchSize));
  }
  x.dispose();
  return times;
}
