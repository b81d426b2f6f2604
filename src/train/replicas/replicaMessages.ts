import type { WeightLayout } from './weightLayout';
import type { DropoutSite } from './dropoutMultipliers';

/** What a replica thread starts from (its `workerData`). */
export interface ReplicaInit {
  index: number;
  /** tfjs backend to run on: the one the main thread selected ('wasm' or 'cpu'). */
  backend: string;
  /** `model.toJSON(null, false)`: the replica rebuilds the same graph from it. */
  topology: unknown;
  layout: WeightLayout;
  dropout: DropoutSite[];
  /** Shared: the current trainable weights (main writes, replicas read; `weightsVersion` in each request says when they changed). */
  weights: SharedArrayBuffer;
  /** Shared, one per replica: this replica's gradient of its shard (replica writes, main reads). */
  gradients: SharedArrayBuffer;
}

/** Main → replica. `weightsVersion` tells the replica whether to reload the shared weights first. */
export type ReplicaRequest =
  | {
      kind: 'gradients';
      id: number;
      weightsVersion: number;
      x: Float32Array;
      shape: [number, number, number, number];
      labels: Int32Array;
      numClasses: number;
      /** Rows of each Dropout site's multipliers for this shard (row-major [rows, units]). */
      multipliers: Float32Array[];
      lossWeights: number[];
      /** Size of the whole batch: the shard's loss is its sum / this, so shard gradients add up. */
      globalBatch: number;
    }
  | { kind: 'predict'; id: number; weightsVersion: number; x: Float32Array; shape: [number, number, number, number] };

/** Replica → main. */
export type ReplicaReply =
  | { kind: 'ready' }
  | { kind: 'gradients'; id: number; lossSums: number[] }
  | { kind: 'predict'; id: number; outputs: Float32Array[] }
  | { kind: 'error'; id: number | null; message: string; stack?: string };
