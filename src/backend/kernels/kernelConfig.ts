import type * as tf from '@tensorflow/tfjs';
import type { NativeBlas } from '../nativeBlas';
import type { KernelAttrs, KernelBackendName, KernelCalls } from './kernelCall';

/** Runs the backend's own kernel (the one eecal's replaced) on any inputs and attributes. */
export type BackendKernel<A> = (inputs: tf.NamedTensorInfoMap, attrs: A) => tf.TensorInfo;

/**
 * One implementation of a kernel, with the kernel's attributes typed. Returns null when it does
 * not cover the call: the next implementation of the kernel's chain runs, and after the last the
 * backend's own kernel. It may also run the backend's kernel itself on rewritten inputs
 * (`backendKernel`), e.g. after materialising a transpose.
 */
export type KernelImpl<A> = (
  calls: KernelCalls,
  inputs: tf.NamedTensorInfoMap,
  attrs: A,
  backendKernel: BackendKernel<A>,
) => tf.TensorInfo | null;

/** An implementation and the name `eecal doctor` shows for it (which library runs the kernel). */
export interface NamedImpl<A> {
  readonly name: string;
  readonly run: KernelImpl<A>;
  /** It calls eecal's native addon (so registering with another addon must replace it). */
  readonly native?: boolean;
}

/** What a registration asks for: the native kernels to use, or none. */
export interface KernelOptions {
  native: NativeBlas | null;
}

/** An implementation as the registry runs it: tfjs's untyped attribute map. */
export type UntypedImpl = NamedImpl<KernelAttrs>;

/**
 * One kernel eecal replaces on one backend: the implementations to try, in order, for the given
 * options (empty: the backend's own kernel stays, or is put back).
 */
export interface KernelConfig {
  readonly kernelName: string;
  readonly backendName: KernelBackendName;
  chain(opts: KernelOptions): UntypedImpl[];
}

/**
 * A kernel config whose implementations see their attributes as `A` (e.g. tf.Conv2DAttrs). tfjs
 * hands every kernel an untyped `NamedAttrMap`; this is the one place where it is read as the
 * kernel's attribute type, which tfjs's kernel registry guarantees for that kernel name.
 */
export function defineKernel<A>(
  kernelName: string,
  backendName: KernelBackendName,
  chain: (opts: KernelOptions) => Array<NamedImpl<A> | null>,
): KernelConfig {
  const typed = (attrs: KernelAttrs) => attrs as unknown as A;
  const untyped = (attrs: A) => attrs as unknown as KernelAttrs;
  return {
    kernelName,
    backendName,
    chain: (opts) =>
      chain(opts)
        .filter((impl): impl is NamedImpl<A> => impl !== null)
        .map((impl) => ({
          name: impl.name,
          native: impl.native,
          run: (calls, inputs, attrs, backendKernel) =>
            impl.run(calls, inputs, typed(attrs), (i, a) => backendKernel(i, untyped(a))),
        })),
  };
}
