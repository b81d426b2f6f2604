import * as tf from '@tensorflow/tfjs';
import { runPart, splitNetwork, type SplitNetwork } from '../models/splitModel';
import { topLabelScores } from '../records/scores';
import {
  HttpError,
  startServer,
  type ReadRequest,
  type Reply,
  type RunningServer,
  type ServerLimits,
} from './httpServer';
import { decodeTensor, HEADERS, parseShape, type CloudAnswer, type WireDtype } from './splitWire';
import type { OpenedModelFolder } from './splitModelFolder';

/** Options of the cloud server. */
export interface CloudOptions extends ServerLimits {
  port: number;
  host?: string;
  log?: (line: string) => void;
  /** Largest batch one request may carry. */
  maxBatch?: number;
  /** CORS: the origin (or "*") whose pages may post here, e.g. the edge's browser device page. */
  allowOrigin?: string;
}

/** Defaults: a B-AlexNet split tensor is 64 KiB per image in float32, so 16 MiB holds a batch of 256. */
export const CLOUD_DEFAULTS: ServerLimits & { maxBatch: number } = {
  maxBodyBytes: 16 << 20,
  requestTimeoutMs: 30_000,
  maxConcurrent: 64,
  maxBatch: 256,
};

const header = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h);

/**
 * The cloud: receives the trunk tensor at branch k, runs the rest of the model (exits k+1 … E) and
 * answers with their raw logits, the final exit's prediction and raw confidence, and its compute
 * time. Calibration is the edge's business (it holds the calibration file and decides).
 */
export async function startCloudServer(model: OpenedModelFolder, opts: CloudOptions): Promise<RunningServer> {
  const E = model.net.exitNames.length;
  const C = model.manifest.numClasses;
  const maxBatch = opts.maxBatch ?? CLOUD_DEFAULTS.maxBatch;
  const parts = new Map<number, SplitNetwork>();
  const partFor = (k: number): SplitNetwork => {
    let p = parts.get(k);
    if (!p) parts.set(k, (p = splitNetwork(model.net, k)));
    return p;
  };
  let served = 0;

  const infer = async (req: ReadRequest): Promise<Reply> => {
    const type = header(req.headers['content-type'])?.split(';')[0].trim();
    if (type !== 'application/octet-stream')
      throw new HttpError(
        415,
        `content-type "${type ?? ''}": expected application/octet-stream (the split tensor's raw bytes)`,
      );
    const digest = header(req.headers[HEADERS.model]);
    if (digest !== model.digest)
      throw new HttpError(
        409,
        `header ${HEADERS.model} "${digest ?? ''}": this cloud serves model ${model.digest} (${model.manifest.architecture}); the edge runs other weights`,
      );
    const kText = header(req.headers[HEADERS.edgeExits]) ?? '';
    const k = Number(kText);
    if (!Number.isInteger(k) || k < 1 || k > E - 1)
      throw new HttpError(400, `header ${HEADERS.edgeExits} "${kText}": expected an integer in 1 … ${E - 1}`);
    const dtype = (header(req.headers[HEADERS.dtype]) ?? 'float32') as WireDtype;
    if (dtype !== 'float32' && dtype !== 'float16')
      throw new HttpError(400, `header ${HEADERS.dtype} "${dtype}": expected float32 or float16`);
    const shape = parseShape(req.headers[HEADERS.shape]);
    const part = partFor(k);
    if (shape.length !== part.splitShape.length + 1 || shape.slice(1).join(',') !== part.splitShape.join(',')) {
      throw new HttpError(
        400,
        `header ${HEADERS.shape} [${shape.join(',')}]: expected [n,${part.splitShape.join(',')}] (the trunk tensor at branch ${k})`,
      );
    }
    const n = shape[0];
    if (n > maxBatch) throw new HttpError(413, `batch of ${n}: over the limit of ${maxBatch}`);
    const t0 = performance.now();
    const values = decodeTensor(req.body, shape, dtype);
    const x = tf.tensor(values, shape);
    const outs = await runPart(part.cloud, x).finally(() => x.dispose());
    const final = topLabelScores(outs[outs.length - 1], C, 1);
    const computeMs = performance.now() - t0;
    served += n;
    const answer: CloudAnswer = {
      exits: outs.map((_, j) => k + 1 + j),
      logits: outs.map((o) => Array.from({ length: n }, (_, i) => Array.from(o.subarray(i * C, (i + 1) * C)))),
      prediction: Array.from(final.prediction),
      confidence: Array.from(final.confidence),
      computeMs,
    };
    return { body: answer };
  };

  return startServer(
    {
      role: 'cloud',
      ...opts,
      routes: { '/infer': infer },
      health: () => ({ model: model.digest, architecture: model.manifest.architecture, exits: E, served }),
    },
    opts.port,
    opts.host,
  );
}
