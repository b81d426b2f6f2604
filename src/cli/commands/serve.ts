import * as fs from 'node:fs';
import type { Command } from '../main';
import { countOption, numberOption, parseCommandArgs, requiredOption } from '../args';
import { ConfigError } from '../../errors';
import { backendLabel, selectBackend } from '../../backend/selectBackend';
import { readCalibrationFile } from '../../calibration/calibrationFile';
import { CLOUD_DEFAULTS, startCloudServer } from '../../serve/cloudServer';
import { EDGE_DEFAULTS, startEdgeServer } from '../../serve/edgeServer';
import { scoringTable } from '../../serve/exitScoring';
import { drainOnSignal, type ServerLimits } from '../../serve/httpServer';
import { openModelFolder } from '../../serve/splitModelFolder';
import type { Fallback } from '../../cascade/runCascade';
import { decisionPTar } from '../riskDecision';

/**
 * The edge's device branches and threshold: --edge-exits and --p-tar, or a risk-control decision
 * file (eecal threshold --out), whose certified threshold and k are then what the edge applies.
 */
function edgeThreshold(v: Record<string, unknown>): { k: number; pTar: number } {
  const raw = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  if (raw('decision') !== undefined) {
    const calibrations = (v.calibration as string[] | undefined) ?? [];
    const d = decisionPTar(
      raw('decision') as string,
      raw('p-tar') !== undefined,
      raw('edge-exits'),
      calibrations.length > 0,
    );
    return { k: Number(d.edgeExits), pTar: d.grid[0] };
  }
  return {
    k: countOption('edge-exits', requiredOption('edge-exits', raw('edge-exits')), undefined, 1, 1000),
    pTar: numberOption('p-tar', requiredOption('p-tar', raw('p-tar')), undefined, { min: 0, max: 1 }),
  };
}

const HELP = `usage: eecal serve cloud --model DIR --port N [--host 127.0.0.1] [limits]
       eecal serve edge  --model DIR --cloud URL --port N (--edge-exits K --p-tar P | --decision FILE)
                         [--calibration FILE]… [--offload-answer final|most-confident]
                         [--cloud-timeout-ms 5000] [--wire float32|float16] [--host 127.0.0.1] [limits]

cloud: POST /infer takes the trunk tensor at branch K as a raw body (application/octet-stream;
  headers x-eecal-shape "n,H,W,C", x-eecal-dtype float32|float16, x-eecal-edge-exits K,
  x-eecal-model <digest of the model's weights>), runs exits K+1 … E and answers JSON
  {"exits","logits","prediction","confidence","computeMs"} (raw logits; the edge calibrates).
edge: POST /classify takes one image (image/png, image/jpeg, or application/octet-stream = raw
  H×W×C uint8 bytes), optional query ?p_tar=P&method=M&sample=I. It runs the device exits 1 … K in
  order and answers at the first whose confidence reaches p_tar; otherwise it posts the split tensor
  to the cloud and answers as the offline cascade (--offload-answer: final = the final exit, as
  eecal sweep's default; most-confident = the most confident exit seen). When the cloud fails or
  times out, the most confident device exit answers with "fallback": true (an outage event).
  Answer: {"sample","exit","prediction","label","confidence","onDevice","offloaded","fallback",
  "cloudError","method","pTar","timings":{"decode_ms","exitMs","device_ms","serialize_ms",
  "upload_ms","cloud_ms","edge_ms"}}.
  --decision FILE       a decision file of eecal threshold --out: its certified threshold is p_tar and
                        its k the device branches (--edge-exits may repeat it; --p-tar may not), and
                        --calibration must be the file it was certified on, or absent if none
  --calibration FILE    a file from eecal calibrate (any method); repeat for several methods: the
                        first is the default, a request picks one with ?method=NAME, "none" = raw
                        max-softmax (the default without any file, as eecal sweep)
Both: GET /health answers 200 once ready (503 while draining). Refusals are 4xx with a one-line JSON
{"error": …}. SIGTERM/SIGINT: stop accepting, finish requests in flight, exit 0. One access-log line
per request on stderr (or --access-log FILE).
Limits: --max-body-bytes N, --request-timeout-ms N, --max-concurrent N (503 beyond).
The host defaults to 127.0.0.1; give --host 0.0.0.0 to serve other machines.
Browser device page: the edge serves GET /device/, which runs the device part with tfjs in the
browser and offloads to the cloud with fetch (raw max-softmax or temperature-type calibrations);
start the cloud with --allow-origin http://EDGE:PORT (or "*") so the page may post to it.`;

export const serveCommand: Command = {
  summary: 'serve cloud|edge: run the split model over HTTP (the testbed)',
  async run(argv) {
    const [role, ...rest] = argv;
    if (!role || role === '--help' || role === '-h') {
      console.log(HELP);
      return role ? 0 : 2;
    }
    if (role !== 'cloud' && role !== 'edge')
      throw new ConfigError(`serve "${role}": expected cloud or edge (see eecal serve --help)`);
    const { values: v } = parseCommandArgs('serve', rest, {
      model: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      cloud: { type: 'string' },
      'edge-exits': { type: 'string' },
      'p-tar': { type: 'string' },
      decision: { type: 'string' },
      calibration: { type: 'string', multiple: true },
      'offload-answer': { type: 'string' },
      'cloud-timeout-ms': { type: 'string' },
      wire: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'max-concurrent': { type: 'string' },
      'access-log': { type: 'string' },
      'allow-origin': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const dir = requiredOption('model', v.model);
    const port = countOption('port', requiredOption('port', v.port), undefined, 0, 65535);
    const host = v.host ?? '127.0.0.1';
    const defaults = role === 'cloud' ? CLOUD_DEFAULTS : EDGE_DEFAULTS;
    const limits: ServerLimits = {
      maxBodyBytes: countOption('max-body-bytes', v['max-body-bytes'], defaults.maxBodyBytes, 1, 1 << 30),
      requestTimeoutMs: countOption(
        'request-timeout-ms',
        v['request-timeout-ms'],
        defaults.requestTimeoutMs,
        1,
        3_600_000,
      ),
      maxConcurrent: countOption('max-concurrent', v['max-concurrent'], defaults.maxConcurrent, 1, 100_000),
    };
    const logFd = v['access-log'] ? fs.openSync(v['access-log'], 'a') : null;
    const log = logFd === null ? undefined : (line: string) => fs.writeSync(logFd, line + '\n');
    const edgeOnly = [
      'cloud',
      'edge-exits',
      'p-tar',
      'decision',
      'calibration',
      'offload-answer',
      'cloud-timeout-ms',
      'wire',
    ] as const;
    if (role === 'edge' && v['allow-origin'] !== undefined)
      throw new ConfigError("--allow-origin is a cloud option (it lets the edge's browser page post to the cloud)");
    if (role === 'cloud') {
      const given = edgeOnly.filter((f) => v[f] !== undefined);
      if (given.length)
        throw new ConfigError(
          `--${given[0]} is an edge option; eecal serve cloud takes --model, --port, --host and limits`,
        );
    }
    // Parse every edge option before minutes of loading, so a typo fails at once.
    let edge: {
      cloud: string;
      k: number;
      pTar: number;
      offloadAnswer: Fallback;
      cloudTimeoutMs: number;
      wire: 'float32' | 'float16';
    } | null = null;
    if (role === 'edge') {
      const cloud = requiredOption('cloud', v.cloud);
      try {
        const u = new URL(cloud);
        if (u.protocol !== 'http:') throw new ConfigError('not http');
      } catch {
        throw new ConfigError(
          `--cloud "${cloud}": expected an http:// URL of eecal serve cloud, e.g. http://127.0.0.1:8081`,
        );
      }
      const offloadAnswer = (v['offload-answer'] ?? 'final') as Fallback;
      if (offloadAnswer !== 'final' && offloadAnswer !== 'most-confident')
        throw new ConfigError(`--offload-answer "${offloadAnswer}": expected final or most-confident`);
      const wire = v.wire ?? 'float32';
      if (wire !== 'float32' && wire !== 'float16')
        throw new ConfigError(`--wire "${wire}": expected float32 or float16`);
      edge = {
        cloud,
        offloadAnswer,
        wire,
        ...edgeThreshold(v),
        cloudTimeoutMs: countOption(
          'cloud-timeout-ms',
          v['cloud-timeout-ms'],
          EDGE_DEFAULTS.cloudTimeoutMs,
          1,
          3_600_000,
        ),
      };
    }
    const choice = await selectBackend({ training: false });
    const model = openModelFolder(dir);
    let running;
    if (edge) {
      const E = model.net.exitNames.length;
      if (edge.k > E - 1)
        throw new ConfigError(`--edge-exits ${edge.k}: expected 1 … ${E - 1} (${dir} has ${E - 1} side branches)`);
      const files = ((v.calibration ?? []) as unknown as string[]).map((file: string) => ({
        file,
        calibration: readCalibrationFile(file),
      }));
      const scorings = scoringTable(files, E, model.manifest.numClasses);
      const defaultMethod = files.length ? files[0].calibration.method : 'none';
      running = await startEdgeServer(model, {
        ...limits,
        port,
        host,
        log,
        cloud: edge.cloud,
        edgeExits: edge.k,
        pTar: edge.pTar,
        scorings,
        defaultMethod,
        offloadAnswer: edge.offloadAnswer,
        cloudTimeoutMs: edge.cloudTimeoutMs,
        wire: edge.wire,
      });
      console.error(
        `edge: ${model.manifest.architecture} (${model.digest}), k = ${edge.k}, p_tar ${edge.pTar}, methods ${[...scorings.keys()].join(', ')} (default ${defaultMethod}), cloud ${edge.cloud}, backend ${backendLabel(choice)}`,
      );
    } else {
      running = await startCloudServer(model, { ...limits, port, host, log, allowOrigin: v['allow-origin'] });
      console.error(`cloud: ${model.manifest.architecture} (${model.digest}), backend ${backendLabel(choice)}`);
    }
    // The one line a script waits for (the port, useful with --port 0).
    console.log(`listening on ${running.url}`);
    const signal = await drainOnSignal(running, role);
    console.error(`${role}: ${signal}: drained, exiting`);
    if (logFd !== null) fs.closeSync(logFd);
    return 0;
  },
};
