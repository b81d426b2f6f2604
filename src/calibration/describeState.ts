import type { CalibratorState } from './types';

/** Short text of a calibrator's saved parameters (tables, notebooks). */
export function describeState(state: CalibratorState): string {
  const n = (x: number) => x.toPrecision(4);
  switch (state.kind) {
    case 'identity':
      return 'identity';
    case 'temperature':
      return `T = ${n(state.temperature)}`;
    case 'platt':
      return `a = ${n(state.a)}, b = ${n(state.b)}`;
    case 'beta':
      return `a = ${n(state.a)}, b = ${n(state.b)}, m = ${n(state.m)}`;
    case 'histogram':
      return `${state.values.length} bins`;
    case 'isotonic':
      return `${state.x.length} knots`;
    case 'vector':
      return `w ∈ [${n(Math.min(...state.weights))}, ${n(Math.max(...state.weights))}]`;
    case 'matrix':
      return `${state.biases.length}×${state.biases.length} W, λ = ${n(state.lambda)}, μ = ${n(state.mu)}`;
  }
}
