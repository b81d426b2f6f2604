import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors';
import type { EarlyExitNetwork } from './earlyExitNetwork';

type Layer = tf.layers.Layer;
type Node = { inputTensors: tf.SymbolicTensor[] };

/**
 * An early-exit network cut after its k-th side branch, as the paper's system runs it: the device
 * computes exits 1..k and the trunk tensor where branch k attaches; the cloud continues the trunk
 * from that tensor and computes every later exit. Both parts share the whole model's layers (and
 * so its weights): nothing is copied, so their logits are the whole model's.
 */
export interface SplitNetwork {
  /** Number of exits the device computes (1 ≤ k ≤ E − 1). */
  k: number;
  /** Exit names in order (branch1, …, final); the device has the first k. */
  exitNames: string[];
  /** input → [exit 1 logits, …, exit k logits, split tensor]. */
  device: tf.LayersModel;
  /**
   * The device part stage by stage: stage 1 is input → [exit 1 logits, trunk tensor at branch 1];
   * stage j > 1 is the trunk tensor at branch j−1 → [exit j logits, trunk tensor at branch j].
   */
  deviceStages: tf.LayersModel[];
  /** split tensor → [exit k+1 logits, …, exit E logits]. */
  cloud: tf.LayersModel;
  /** Per-sample shape of the split tensor (H, W, C). */
  splitShape: number[];
  /** Per-sample shape of the input (H, W, C). */
  inputShape: number[];
}

/**
 * Cut a built network after k device exits. The cloud part is made by re-applying the trunk's and
 * the later heads' layers to a fresh input of the split tensor's shape: tfjs only builds models
 * from `tf.input` tensors, and re-applying a layer reuses its weights (a shared layer).
 */
export function splitNetwork(net: EarlyExitNetwork, k: number): SplitNetwork {
  const E = net.exitNames.length;
  if (!Number.isInteger(k) || k < 1 || k > E - 1) {
    throw new ConfigError(`edge exits ${k}: expected an integer in 1 … ${E - 1} (the model has ${E - 1} side branch${E === 2 ? '' : 'es'})`);
  }
  const outputs = net.model.outputs as tf.SymbolicTensor[];
  const cut = net.splitTensors[k - 1];
  const device = tf.model({ inputs: net.model.inputs, outputs: [...outputs.slice(0, k), cut], name: `${net.model.name}_device${k}` });

  const cloudOutputs = replayFrom(net, cut, 'split', outputs.slice(k));
  const cloudInput = cloudOutputs.input;
  const cloud = tf.model({ inputs: cloudInput, outputs: cloudOutputs.outputs, name: `${net.model.name}_cloud${k}` });
  // Stage j runs only when exits 1..j−1 were not confident: the device stops as early as the cascade does.
  const deviceStages = Array.from({ length: k }, (_, j) => {
    if (j === 0) return tf.model({ inputs: net.model.inputs, outputs: [outputs[0], net.splitTensors[0]], name: `${net.model.name}_stage1` });
    const r = replayFrom(net, net.splitTensors[j - 1], `stage${j + 1}_in`, [outputs[j], net.splitTensors[j]]);
    return tf.model({ inputs: r.input, outputs: r.outputs, name: `${net.model.name}_stage${j + 1}` });
  });
  return {
    k, exitNames: net.exitNames.slice(), device, deviceStages, cloud,
    splitShape: cut.shape.slice(1) as number[],
    inputShape: (net.model.inputs[0].shape as number[]).slice(1),
  };
}

/** Run a part in inference mode and read every output back (row-major per output). */
export async function runPart(part: tf.LayersModel, x: tf.Tensor): Promise<Float32Array[]> {
  const outs = tf.tidy(() => {
    const o = part.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
    return Array.isArray(o) ? o : [o];
  });
  try {
    return (await Promise.all(outs.map((o) => o.data()))) as Float32Array[];
  } finally {
    tf.dispose(outs);
  }
}

/**
 * Re-apply, to a fresh input shaped like `from`, every layer between `from` and `outputs`. tfjs
 * only builds models from `tf.input` tensors, and re-applying a layer reuses its weights (a shared
 * layer), so the part computes exactly what the whole model computes from that tensor on.
 */
function replayFrom(net: EarlyExitNetwork, from: tf.SymbolicTensor, name: string, outputs: tf.SymbolicTensor[]): { input: tf.SymbolicTensor; outputs: tf.SymbolicTensor[] } {
  const input = tf.input({ shape: from.shape.slice(1) as number[], name });
  const mapped = new Map<number, tf.SymbolicTensor>([[from.id, input]]);
  const modelInputs = new Set((net.model.inputs as tf.SymbolicTensor[]).map((t) => t.id));
  const resolve = (t: tf.SymbolicTensor): tf.SymbolicTensor => {
    const known = mapped.get(t.id);
    if (known) return known;
    if (modelInputs.has(t.id)) {
      // An output that reads the input (or a tensor before the cut) other than through the cut
      // cannot be computed from the cut tensor alone.
      throw new ConfigError(`${net.spec.name}: an exit after the split point depends on the trunk before it; the model cannot be split there`);
    }
    const layer = t.sourceLayer as Layer;
    const node = (layer as unknown as { inboundNodes: Node[] }).inboundNodes[t.nodeIndex ?? 0];
    const ins = node.inputTensors.map(resolve);
    const out = layer.apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor | tf.SymbolicTensor[];
    const result = (Array.isArray(out) ? out : [out])[t.tensorIndex ?? 0];
    mapped.set(t.id, result);
    return result;
  };
  return { input, outputs: outputs.map(resolve) };
}
