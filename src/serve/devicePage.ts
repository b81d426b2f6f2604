import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { SplitNetwork } from '../models/splitModel';
import type { Resource } from './httpServer';
import { HEADERS, type WireDtype } from './splitWire';

/**
 * The device in a browser: the edge also serves a page (GET /device/) that loads the device stages
 * with tfjs in the browser, answers at the first exit whose confidence reaches p_tar and otherwise
 * posts the split tensor to the cloud with fetch (the cloud must allow the page's origin:
 * `eecal serve cloud --allow-origin …`). The page applies raw max-softmax or temperature-type
 * calibrations (softmax(z / T) per exit); other calibrators are not offered in the browser.
 * `window.eecalClassify(pixels, {pTar, method})` is what a test or another page calls.
 */

/** What the page needs besides the stage models. */
export interface DevicePageConfig {
  edgeExits: number;
  numExits: number;
  numClasses: number;
  classNames: string[];
  inputShape: number[];
  normalization: { mean: number[]; std: number[] };
  pTar: number;
  defaultMethod: string;
  /** Per method, a temperature per exit (1 = none); methods whose calibrators are not softmax(z / T) are absent. */
  temperatures: Record<string, number[]>;
  offloadAnswer: 'final' | 'most-confident';
  cloud: string;
  digest: string;
  wire: WireDtype;
  splitShape: number[];
}

/** A stage model as tfjs's layers-model JSON (weights in one binary file beside it). */
async function stageArtifacts(model: tf.LayersModel, binName: string): Promise<{ json: string; bin: Buffer }> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      captured = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = captured as unknown as tf.io.ModelArtifacts;
  const data = a.weightData;
  const bin = Buffer.from(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : (data as ArrayBuffer));
  const json = JSON.stringify({
    format: 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [binName], weights: a.weightSpecs }],
  });
  return { json, bin };
}

/** GET resources of the device page, all under /device/. */
export async function devicePageResources(
  split: SplitNetwork,
  config: DevicePageConfig,
): Promise<Record<string, () => Resource>> {
  const tfJs = fs.readFileSync(require.resolve('@tensorflow/tfjs/dist/tf.min.js'));
  const res: Record<string, () => Resource> = {
    '/device/': () => ({ type: 'text/html; charset=utf-8', body: PAGE_HTML }),
    '/device/device.js': () => ({ type: 'text/javascript; charset=utf-8', body: PAGE_JS }),
    '/device/tf.min.js': () => ({ type: 'text/javascript; charset=utf-8', body: tfJs }),
    '/device/config.json': () => ({ type: 'application/json', body: JSON.stringify(config) }),
  };
  for (let j = 0; j < split.deviceStages.length; j++) {
    const { json, bin } = await stageArtifacts(split.deviceStages[j], `stage${j + 1}.bin`);
    res[`/device/model/stage${j + 1}.json`] = () => ({ type: 'application/json', body: json });
    res[`/device/model/stage${j + 1}.bin`] = () => ({ type: 'application/octet-stream', body: bin });
  }
  return res;
}

const PAGE_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>eecal device</title>
<script src="tf.min.js"></script></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>eecal: the device part in this browser</h1>
<p id="status">loading the device part…</p>
<p><input type="file" id="file" accept="image/png,image/jpeg"> p_tar <input id="ptar" size="5"> method <select id="method"></select></p>
<pre id="out"></pre>
<script src="device.js"></script>
</body></html>
`;

// Plain ES2017, no build step: it runs as written in any recent browser.
const PAGE_JS = `'use strict';
// The page's own error type: the page runs in the browser, outside eecal's error family.
class PageError extends Error {}
(async () => {
  const status = document.getElementById('status');
  class EecalLocalResponseNorm extends tf.layers.Layer {
    constructor(c) { super(c); this.depthRadius = c.depthRadius; this.bias = c.bias; this.alpha = c.alpha; this.beta = c.beta; }
    call(inputs) { const x = Array.isArray(inputs) ? inputs[0] : inputs; return tf.localResponseNormalization(x, this.depthRadius, this.bias, this.alpha, this.beta); }
    getConfig() { return Object.assign(super.getConfig(), { depthRadius: this.depthRadius, bias: this.bias, alpha: this.alpha, beta: this.beta }); }
    static get className() { return 'EecalLocalResponseNorm'; }
  }
  tf.serialization.registerClass(EecalLocalResponseNorm);
  await tf.setBackend('cpu');
  const cfg = await (await fetch('config.json')).json();
  const stages = [];
  for (let j = 1; j <= cfg.edgeExits; j++) stages.push(await tf.loadLayersModel('model/stage' + j + '.json'));
  const [H, W, C] = cfg.inputShape;
  const lut = new Float32Array(C * 256);
  for (let c = 0; c < C; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - cfg.normalization.mean[c]) / cfg.normalization.std[c];
  // Max-softmax at temperature T and argmax (first maximum), as eecal's topLabelScores.
  const score = (z, T) => {
    let arg = 0;
    for (let k = 1; k < z.length; k++) if (z[k] > z[arg]) arg = k;
    let s = 0;
    for (let k = 0; k < z.length; k++) s += Math.exp((z[k] - z[arg]) * (1 / T));
    return { confidence: 1 / s, prediction: arg };
  };
  const toHalf = (v) => {
    const f = new Float32Array([v]); const x = new Uint32Array(f.buffer)[0];
    const sign = (x >>> 16) & 0x8000; const exp = (x >>> 23) & 0xff; let mant = x & 0x7fffff;
    if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
    let e = exp - 127 + 15;
    if (e >= 0x1f) return sign | 0x7c00;
    if (e <= 0) { if (e < -10) return sign; mant |= 0x800000; const sh = 14 - e; const half = 1 << (sh - 1); let m = mant >>> sh; const r = mant & ((1 << sh) - 1); if (r > half || (r === half && (m & 1))) m++; return sign | m; }
    let m = mant >>> 13; const r = mant & 0x1fff;
    if (r > 0x1000 || (r === 0x1000 && (m & 1))) { m++; if (m === 0x400) { m = 0; e++; if (e >= 0x1f) return sign | 0x7c00; } }
    return sign | (e << 10) | m;
  };
  const encode = (values) => {
    if (cfg.wire === 'float32') return values;
    const out = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i]);
    return out;
  };
  async function classify(pixels, opts) {
    opts = opts || {};
    const pTar = opts.pTar !== undefined ? opts.pTar : cfg.pTar;
    const method = opts.method || cfg.defaultMethod;
    const T = cfg.temperatures[method];
    if (!T) throw new PageError('method ' + method + ' is not available in the browser (temperature-type calibrations only)');
    const t0 = performance.now();
    const x = new Float32Array(H * W * C);
    for (let i = 0; i < x.length; i++) x[i] = lut[(i % C) * 256 + pixels[i]];
    let input = tf.tensor4d(x, [1, H, W, C]);
    const scores = [];
    const exitMs = [];
    let split = null;
    for (let j = 0; j < stages.length; j++) {
      const ts = performance.now();
      const outs = stages[j].predict(input);
      const logits = await outs[0].data();
      const next = await outs[1].data();
      const nextShape = outs[1].shape;
      tf.dispose(outs); input.dispose();
      scores.push(score(logits, T[j]));
      exitMs.push(performance.now() - ts);
      if (scores[j].confidence >= pTar) return { exit: j + 1, prediction: scores[j].prediction, confidence: scores[j].confidence, onDevice: true, offloaded: false, fallback: false, method, pTar, timings: { exitMs, total_ms: performance.now() - t0 } };
      if (j < stages.length - 1) input = tf.tensor(next, nextShape); else { input = null; split = next; }
    }
    let best = 0;
    for (let j = 1; j < scores.length; j++) if (scores[j].confidence > scores[best].confidence) best = j;
    const t1 = performance.now();
    try {
      const res = await fetch(cfg.cloud.replace(/\\/$/, '') + '/infer', { method: 'POST', body: encode(split), headers: {
        'content-type': 'application/octet-stream', '${HEADERS.shape}': [1].concat(cfg.splitShape).join(','), '${HEADERS.dtype}': cfg.wire,
        '${HEADERS.edgeExits}': String(cfg.edgeExits), '${HEADERS.model}': cfg.digest } });
      const text = await res.text();
      if (!res.ok) throw new PageError('cloud answered ' + res.status + ': ' + text.slice(0, 200));
      const a = JSON.parse(text);
      const k = cfg.edgeExits;
      const all = scores.slice();
      a.logits.forEach((rows, j) => all.push(score(rows[0], T[k + j])));
      const fin = all[all.length - 1];
      let e = all.length - 1;
      // The offline cascade's rule for an offloaded sample (runCascade): the final exit, or with
      // most-confident the most confident exit seen when the final one misses p_tar (device first on ties).
      if (cfg.offloadAnswer === 'most-confident' && fin.confidence < pTar && scores[best].confidence >= fin.confidence) e = best;
      return { exit: e + 1, prediction: all[e].prediction, confidence: all[e].confidence, onDevice: false, offloaded: true, fallback: false, method, pTar,
        timings: { exitMs, round_trip_ms: performance.now() - t1, cloud_ms: a.computeMs, total_ms: performance.now() - t0 } };
    } catch (err) {
      return { exit: best + 1, prediction: scores[best].prediction, confidence: scores[best].confidence, onDevice: false, offloaded: true, fallback: true, cloudError: String(err && err.message || err), method, pTar, timings: { exitMs, total_ms: performance.now() - t0 } };
    }
  }
  window.eecalClassify = classify;
  const sel = document.getElementById('method');
  for (const m of Object.keys(cfg.temperatures)) { const o = document.createElement('option'); o.value = m; o.textContent = m; o.selected = m === cfg.defaultMethod; sel.appendChild(o); }
  document.getElementById('ptar').value = String(cfg.pTar);
  document.getElementById('file').addEventListener('change', async (ev) => {
    const f = ev.target.files[0];
    if (!f) return;
    const img = await createImageBitmap(f);
    const canvas = document.createElement('canvas'); canvas.width = W; canvas.height = H;
    const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0, W, H);
    const rgba = ctx.getImageData(0, 0, W, H).data;
    const px = new Uint8Array(W * H * C);
    for (let p = 0; p < W * H; p++) {
      if (C === 3) { px[3 * p] = rgba[4 * p]; px[3 * p + 1] = rgba[4 * p + 1]; px[3 * p + 2] = rgba[4 * p + 2]; }
      else px[p] = Math.round(0.299 * rgba[4 * p] + 0.587 * rgba[4 * p + 1] + 0.114 * rgba[4 * p + 2]);
    }
    const r = await classify(px, { pTar: Number(document.getElementById('ptar').value), method: sel.value });
    document.getElementById('out').textContent = cfg.classNames[r.prediction] + ' (exit ' + r.exit + ', confidence ' + r.confidence.toFixed(3) + (r.fallback ? ', cloud failed: device fallback' : '') + ')\\n' + JSON.stringify(r, null, 1);
  });
  status.textContent = 'ready: ' + stages.length + ' device stage(s) in this browser (tfjs ' + tf.version.tfjs + ', ' + tf.getBackend() + '), cloud ' + cfg.cloud;
  window.eecalReady = true;
})().catch((err) => {
  document.getElementById('status').textContent = 'error: ' + (err && err.message || err);
  window.eecalError = String(err && err.message || err);
});
`;
