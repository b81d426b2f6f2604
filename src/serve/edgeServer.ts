import * as tf from '@tensorflow/tfjs';
import { runCascade, type Fallback } from '../cascade/runCascade';
import { normalizationTable } from '../data/batchFill';
import { decodeImage } from '../data/imageDecode';
import { runPart, splitNetwork } from '../models/splitModel';
import type { ExitScores } from '../records/scores';
import { ServiceError } from '../errors';
import {
  HttpError,
  startServer,
  type ReadRequest,
  type Reply,
  type RunningServer,
  type ServerLimits,
} from './httpServer';
import { encodeTensor, HEADERS, type CloudAnswer, type WireDtype } from './splitWire';
import type { ExitScoring } from './exitScoring';
import type { OpenedModelFolder } from './splitModelFolder';
import { devicePageResources } from './devicePage';

/** Options of the edge server. */
export interface EdgeOptions extends ServerLimits {
  port: number;
  host?: string;
  /** Base URL of the cloud server, e.g. http://10.0.0.2:8081. */
  cloud: string;
  /** Device exits k. */
  edgeExits: number;
  /** Default p_tar (a request may give its own with ?p_tar=). */
  pTar: number;
  /** Scorings by method; `defaultMethod` answers requests without ?method=. */
  scorings: Map<string, ExitScoring>;
  defaultMethod: string;
  /** Who answers an offloaded sample: the final exit (as `eecal sweep` by default) or the most confident exit seen. */
  offloadAnswer: Fallback;
  /** Give up on the cloud after this long and answer on the device (an outage), ms. */
  cloudTimeoutMs: number;
  /** Split tensor encoding on the wire. */
  wire: WireDtype;
  log?: (line: string) => void;
}

export const EDGE_DEFAULTS: ServerLimits & { cloudTimeoutMs: number } = {
  maxBodyBytes: 1 << 20,
  requestTimeoutMs: 30_000,
  maxConcurrent: 64,
  cloudTimeoutMs: 5_000,
};

/** Per-answer timings, ms. Device stages that did not run are absent from `exitMs`. */
export interface EdgeTimings {
  /** Decoding the image and normalising it. */
  decode_ms: number;
  /** Device compute of stage j (exit j's head plus the trunk up to branch j), j = 1 … (exits run). */
  exitMs: number[];
  /** Sum of the device stages run, plus scoring. */
  device_ms: number;
  /** Encoding the split tensor for the wire (0 when not offloaded). */
  serialize_ms: number;
  /** Edge↔cloud round trip minus the cloud's compute: upload of the tensor (dominant), download of the answer (0 when not offloaded). */
  upload_ms: number;
  /** Cloud compute as the cloud measured it (0 when not offloaded or when the cloud failed). */
  cloud_ms: number;
  /** Arrival of the request at the edge to the decision. */
  edge_ms: number;
}

/** The edge's answer to one image. */
export interface EdgeAnswer {
  sample: number | null;
  /** 1-based exit whose prediction is the answer (E = the final exit). */
  exit: number;
  prediction: number;
  /** Class name of the prediction. */
  label: string;
  /** The answering exit's confidence (calibrated when a method is applied). */
  confidence: number;
  /** The device answered (an exit 1 … k reached p_tar). */
  onDevice: boolean;
  /** The tensor was sent to the cloud. */
  offloaded: boolean;
  /** The cloud failed or timed out and the most confident device exit answered: an outage event. */
  fallback: boolean;
  cloudError: string | null;
  method: string;
  pTar: number;
  timings: EdgeTimings;
}

const header = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h);

/**
 * The device as a server for an end node: decode the image, run device stage 1, 2, … and stop at
 * the first exit whose (calibrated) confidence reaches p_tar; otherwise post the split tensor to
 * the cloud and answer as the offline cascade does. When the cloud fails or times out, the most
 * confident device exit answers (the paper's fallback) and the answer says so.
 */
export async function startEdgeServer(model: OpenedModelFolder, opts: EdgeOptions): Promise<RunningServer> {
  const split = splitNetwork(model.net, opts.edgeExits);
  const k = opts.edgeExits;
  const E = split.exitNames.length;
  const C = model.manifest.numClasses;
  const [H, W, Ch] = split.inputShape;
  const lut = normalizationTable(model.manifest.normalization, Ch);
  const cloudUrl = new URL('/infer', opts.cloud).toString();
  const stats = { answered: 0, onDevice: 0, offloaded: 0, fallbacks: 0 };

  const pixelsOf = (req: ReadRequest): Uint8Array => {
    const type = header(req.headers['content-type'])?.split(';')[0].trim() ?? '';
    if (type === 'application/octet-stream') {
      if (req.body.length !== H * W * Ch)
        throw new HttpError(
          400,
          `raw image has ${req.body.length} bytes; expected ${H * W * Ch} (${H}×${W}×${Ch} uint8, HWC)`,
        );
      return req.body;
    }
    if (type === 'image/png' || type === 'image/jpeg') {
      let img;
      try {
        img = decodeImage(req.body, 'request body', { channels: Ch === 1 ? 1 : 3 });
      } catch (err) {
        throw new HttpError(400, (err as Error).message);
      }
      if (img.height !== H || img.width !== W)
        throw new HttpError(400, `image is ${img.width}×${img.height}; expected ${W}×${H}`);
      return img.data;
    }
    throw new HttpError(
      415,
      `content-type "${type}": expected image/png, image/jpeg or application/octet-stream (raw ${H}×${W}×${Ch} bytes)`,
    );
  };

  const optionsOf = (req: ReadRequest): { pTar: number; scoring: ExitScoring; sample: number | null } => {
    const p = req.query.get('p_tar');
    const pTar = p === null ? opts.pTar : Number(p);
    if (!(pTar >= 0 && pTar <= 1)) throw new HttpError(400, `p_tar "${p}": expected a number in [0, 1]`);
    const m = req.query.get('method') ?? opts.defaultMethod;
    const scoring = opts.scorings.get(m);
    if (!scoring) throw new HttpError(400, `method "${m}": this edge serves ${[...opts.scorings.keys()].join(', ')}`);
    const s = req.query.get('sample');
    const sample = s === null ? null : Number(s);
    if (sample !== null && !(Number.isInteger(sample) && sample >= 0))
      throw new HttpError(400, `sample "${s}": expected an integer ≥ 0`);
    return { pTar, scoring, sample };
  };

  const askCloud = async (
    tensor: Float32Array,
  ): Promise<{ answer: CloudAnswer; roundTripMs: number; serializeMs: number }> => {
    const t0 = performance.now();
    const body = encodeTensor(tensor, opts.wire);
    const serializeMs = performance.now() - t0;
    const t1 = performance.now();
    const res = await fetch(cloudUrl, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/octet-stream',
        [HEADERS.shape]: [1, ...split.splitShape].join(','),
        [HEADERS.dtype]: opts.wire,
        [HEADERS.edgeExits]: String(k),
        [HEADERS.model]: model.digest,
      },
      signal: AbortSignal.timeout(opts.cloudTimeoutMs),
    });
    const text = await res.text();
    const roundTripMs = performance.now() - t1;
    if (!res.ok) throw new ServiceError(`cloud answered ${res.status}: ${text.slice(0, 200)}`);
    const answer = JSON.parse(text) as CloudAnswer;
    if (!Array.isArray(answer.logits) || answer.logits.length !== E - k)
      throw new ServiceError(`cloud answered ${answer.logits?.length} exits; expected ${E - k}`);
    return { answer, roundTripMs, serializeMs };
  };

  const classify = async (req: ReadRequest): Promise<Reply> => {
    const { pTar, scoring, sample } = optionsOf(req);
    const t0 = performance.now();
    const px = pixelsOf(req);
    const x = new Float32Array(H * W * Ch);
    for (let i = 0; i < x.length; i++) x[i] = lut[(i % Ch) * 256 + px[i]];
    const timings: EdgeTimings = {
      decode_ms: performance.now() - t0,
      exitMs: [],
      device_ms: 0,
      serialize_ms: 0,
      upload_ms: 0,
      cloud_ms: 0,
      edge_ms: 0,
    };
    const scores: ExitScores[] = [];
    let input: tf.Tensor = tf.tensor4d(x, [1, H, W, Ch]);
    let splitValues: Float32Array | null = null;
    let answeredAt = -1;
    try {
      for (let j = 0; j < k; j++) {
        const ts = performance.now();
        const [logits, next] = await runPart(split.deviceStages[j], input);
        scores.push(scoring.score(j, logits));
        timings.exitMs.push(performance.now() - ts);
        input.dispose();
        if (scores[j].confidence[0] >= pTar) {
          answeredAt = j;
          input = tf.scalar(0);
          break;
        }
        if (j < k - 1) input = tf.tensor(next, [1, ...(split.deviceStages[j].outputs[1].shape.slice(1) as number[])]);
        else {
          input = tf.scalar(0);
          splitValues = next;
        }
      }
    } finally {
      input.dispose();
    }
    timings.device_ms = timings.exitMs.reduce((a, b) => a + b, 0);
    const base = { sample, method: scoring.method, pTar, timings };
    const done = (
      exit0: number,
      extra: Pick<EdgeAnswer, 'onDevice' | 'offloaded' | 'fallback' | 'cloudError'>,
      s: ExitScores,
    ): Reply => {
      timings.edge_ms = performance.now() - req.arrivedAt;
      stats.answered++;
      if (extra.onDevice) stats.onDevice++;
      if (extra.offloaded) stats.offloaded++;
      if (extra.fallback) stats.fallbacks++;
      const prediction = s.prediction[0];
      const answer: EdgeAnswer = {
        ...base,
        exit: exit0 + 1,
        prediction,
        label: model.manifest.classNames[prediction] ?? String(prediction),
        confidence: s.confidence[0],
        ...extra,
      };
      return { body: answer };
    };
    if (answeredAt >= 0)
      return done(
        answeredAt,
        { onDevice: true, offloaded: false, fallback: false, cloudError: null },
        scores[answeredAt],
      );

    try {
      const { answer, roundTripMs, serializeMs } = await askCloud(splitValues!);
      timings.serialize_ms = serializeMs;
      timings.cloud_ms = answer.computeMs;
      timings.upload_ms = Math.max(0, roundTripMs - answer.computeMs);
      const all: ExitScores[] = scores.slice();
      answer.logits.forEach((rows, j) => all.push(scoring.score(k + j, Float32Array.from(rows[0]))));
      // The offline cascade's rule, applied to this one sample.
      const r = runCascade(all, { edgeExits: k, pTar, fallback: opts.offloadAnswer });
      const e = r.answeringExit[0];
      return done(e, { onDevice: false, offloaded: true, fallback: false, cloudError: null }, all[e]);
    } catch (err) {
      // Outage: the most confident device exit answers (first maximum on ties).
      let best = 0;
      for (let j = 1; j < k; j++) if (scores[j].confidence[0] > scores[best].confidence[0]) best = j;
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const message =
        (err as Error).name === 'TimeoutError'
          ? `cloud timed out after ${opts.cloudTimeoutMs} ms`
          : `${String((err as Error).message ?? err).split('\n')[0]}${cause ? ` (${cause})` : ''}`;
      return done(best, { onDevice: false, offloaded: true, fallback: true, cloudError: message }, scores[best]);
    }
  };

  const temperatures: Record<string, number[]> = {};
  for (const [m, s] of opts.scorings) {
    if (m === 'none') temperatures[m] = new Array(E).fill(1);
    else if (s.temperatures) temperatures[m] = s.temperatures;
  }
  const resources = await devicePageResources(split, {
    edgeExits: k,
    numExits: E,
    numClasses: C,
    classNames: model.manifest.classNames,
    inputShape: split.inputShape,
    normalization: model.manifest.normalization,
    pTar: opts.pTar,
    defaultMethod: opts.defaultMethod in temperatures ? opts.defaultMethod : 'none',
    temperatures,
    offloadAnswer: opts.offloadAnswer,
    cloud: opts.cloud,
    digest: model.digest,
    wire: opts.wire,
    splitShape: split.splitShape,
  });
  return startServer(
    {
      role: 'edge',
      ...opts,
      resources,
      routes: { '/classify': classify },
      health: () => ({
        model: model.digest,
        architecture: model.manifest.architecture,
        dataset: model.manifest.dataset,
        splitSeed: model.manifest.splitSeed,
        exits: E,
        edgeExits: k,
        pTar: opts.pTar,
        methods: [...opts.scorings.keys()],
        defaultMethod: opts.defaultMethod,
        offloadAnswer: opts.offloadAnswer,
        cloud: opts.cloud,
        wire: opts.wire,
        cloudTimeoutMs: opts.cloudTimeoutMs,
        ...stats,
      }),
    },
    opts.port,
    opts.host,
  );
}
