import * as os from 'node:os';
import type * as tf from '@tensorflow/tfjs';
import { countOption } from './args';
import { MAX_WORKERS } from './limits';
import type { BackendChoice } from '../backend/selectBackend';
import { ReplicaPool } from '../train/replicas/replicaPool';

export const WORKERS_HELP = `--workers N           worker threads, each with a model replica computing its shard of every batch
                        (default: the number of cores, at most 8; 1 = this thread only). wasm/cpu only:
                        native TensorFlow already uses every core. Same math as one thread, so it may
                        change between runs and on --resume.`;

/**
 * Replicas to start for `--workers` on this backend: none (null) when one thread does the work —
 * one worker asked for, or a native TensorFlow backend, which is multi-threaded by itself.
 */
export async function startReplicas(
  raw: string | undefined,
  choice: BackendChoice,
  model: tf.LayersModel,
): Promise<ReplicaPool | null> {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const workers = countOption('workers', raw, Math.min(8, cores), 1, MAX_WORKERS);
  if (choice.backend !== 'wasm' && choice.backend !== 'cpu') {
    if (raw !== undefined && workers > 1)
      console.error(`--workers ${workers} ignored: the ${choice.backend} backend runs on every core already`);
    return null;
  }
  if (workers === 1) return null;
  const t0 = Date.now();
  const pool = await ReplicaPool.start(model, choice.backend, workers);
  console.error(
    `workers: ${workers} replicas on ${choice.backend} (started in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  return pool;
}
