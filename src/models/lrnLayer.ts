import * as tf from '@tensorflow/tfjs';

/** Constructor arguments of the LRN layer (tfjs `localResponseNormalization` semantics). */
export interface LrnArgs {
  name?: string;
  /** Half-width of the channel window: n = 2·depthRadius + 1 channels. */
  depthRadius?: number;
  bias?: number;
  alpha?: number;
  beta?: number;
}

/**
 * Local response normalisation across channels, y = x / (bias + alpha·Σ_{window} x²)^beta.
 * tfjs-layers has no LRN layer, so this wraps the core op. Defaults reproduce Chainer's
 * `local_response_normalization(n=3, k=2, alpha=5e-5, beta=0.75)` used by BranchyNet's B-AlexNet
 * (docs/paper-notes.md#b-alexnet): Chainer does not divide alpha by n, nor does tfjs.
 */
export class LocalResponseNorm extends tf.layers.Layer {
  static className = 'EecalLocalResponseNorm';
  readonly depthRadius: number;
  readonly bias: number;
  readonly alpha: number;
  readonly beta: number;

  constructor(args: LrnArgs = {}) {
    super({ name: args.name });
    this.depthRadius = args.depthRadius ?? 1;
    this.bias = args.bias ?? 2;
    this.alpha = args.alpha ?? 5e-5;
    this.beta = args.beta ?? 0.75;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.localResponseNormalization(x, this.depthRadius, this.bias, this.alpha, this.beta);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), depthRadius: this.depthRadius, bias: this.bias, alpha: this.alpha, beta: this.beta };
  }
}
tf.serialization.registerClass(LocalResponseNorm);

/** Functional helper: `lrn({name})` like `tf.layers.*`. */
export function lrn(args: LrnArgs = {}): LocalResponseNorm {
  return new LocalResponseNorm(args);
}
