import * as tf from '@tensorflow/tfjs';
import type { ExitCost } from '../records/types';
import type { EarlyExitNetwork } from './earlyExitNetwork';

type Layer = tf.layers.Layer;

/**
 * Multiply-accumulates of one layer per sample, from its configuration and output shape.
 * Conv2D: H_out·W_out·C_out·k_h·k_w·C_in; Dense: in·out. Pooling, LRN, activations, bias adds
 * count 0 (the usual MAC convention; they are < 2% of B-AlexNet's compute).
 */
export function layerMacs(layer: Layer): number {
  const cls = layer.getClassName();
  if (cls === 'Conv2D') {
    const out = layer.outputShape as number[];
    const kernel = layer.getWeights()[0]?.shape ?? [];
    const [kh, kw, cin] = kernel;
    return out[1] * out[2] * out[3] * kh * kw * cin;
  }
  if (cls === 'Dense') {
    const [cin, cout] = layer.getWeights()[0].shape;
    return cin * cout;
  }
  return 0;
}

/** All layers a symbolic tensor depends on (its source layer and everything upstream). */
export function ancestorLayers(t: tf.SymbolicTensor): Set<Layer> {
  const seen = new Set<Layer>();
  const stack: tf.SymbolicTensor[] = [t];
  while (stack.length > 0) {
    const s = stack.pop()!;
    const layer = s.sourceLayer as Layer;
    if (!layer || seen.has(layer)) continue;
    seen.add(layer);
    // Each layer in these networks is applied once, so its first inbound node is the one used.
    const node = (layer as unknown as { inboundNodes: Array<{ inputTensors: tf.SymbolicTensor[] }> }).inboundNodes[s.nodeIndex ?? 0];
    if (node) stack.push(...node.inputTensors);
  }
  return seen;
}

function sumOver(layers: Set<Layer>, f: (l: Layer) => number): number {
  let s = 0;
  for (const l of layers) s += f(l);
  return s;
}

/**
 * Per-exit costs computed from the model graph (never typed in): parameters and MACs needed to
 * produce each exit, the trunk MACs the device runs before that exit, and the tensor it would send
 * to the cloud if the model were split there (float32 bytes).
 */
export function computeExitCosts(net: EarlyExitNetwork): ExitCost[] {
  const outputs = net.model.outputs as tf.SymbolicTensor[];
  return outputs.map((out, i) => {
    const layers = ancestorLayers(out);
    const isFinal = i === outputs.length - 1;
    const split = isFinal ? null : net.splitTensors[i];
    const trunk = split ? ancestorLayers(split) : layers;
    const shape = split ? (split.shape.slice(1) as number[]) : null;
    const params = sumOver(layers, (l) => l.countParams());
    const trunkParams = sumOver(trunk, (l) => l.countParams());
    return {
      name: net.exitNames[i],
      params,
      headParams: isFinal ? params : params - trunkParams,
      macs: sumOver(layers, layerMacs),
      trunkMacs: sumOver(trunk, layerMacs),
      splitTensorShape: shape,
      splitTensorBytes: shape ? shape.reduce((a, b) => a * b, 1) * 4 : null,
    };
  });
}
