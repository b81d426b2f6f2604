import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, METHODS, N_IMAGES, offlineAnswers, P_TARS, startPair } from './servePair';

/**
 * 8 concurrent clients against a real edge and cloud on loopback for 20 s, as the suite runs it
 * (EECAL_SERVE_LOAD_SECONDS sets another duration for a quick local run).
 */
const SECONDS = Number(process.env.EECAL_SERVE_LOAD_SECONDS ?? 20);
const CLIENTS = 8;

test(`load: ${CLIENTS} concurrent clients for ${SECONDS} s, every request answered once and as the offline cascade`, async () => {
  const pair = await startPair();
  try {
    const expected = await offlineAnswers(pair.model);
    const until = performance.now() + SECONDS * 1000;
    const client = async (c: number) => {
      const answers: Array<{
        sample: number;
        key: string;
        exit: number;
        prediction: number;
        confidence: number;
        gotSample: number | null;
        fallback: boolean;
      }> = [];
      for (let n = 0; performance.now() < until; n++) {
        const sample = (c * 7 + n * 13) % N_IMAGES;
        const method = METHODS[(c + n) % METHODS.length];
        const pTar = P_TARS[Math.floor((c + n) / 2) % P_TARS.length];
        const a = await classify(pair.edge.url, sample, pTar, method);
        answers.push({
          sample,
          key: `${method}@${pTar}`,
          exit: a.exit,
          prediction: a.prediction,
          confidence: a.confidence,
          gotSample: a.sample,
          fallback: a.fallback,
        });
      }
      return answers;
    };
    const all = (await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)))).flat();
    const health = (await (await fetch(`${pair.edge.url}/health`)).json()) as {
      answered: number;
      offloaded: number;
      fallbacks: number;
    };
    assert.ok(all.length >= CLIENTS * 5, `only ${all.length} answers`);
    // Nothing lost, nothing answered twice: the edge answered exactly the requests the clients sent.
    assert.equal(health.answered, all.length);
    assert.equal(health.fallbacks, 0);
    assert.ok(health.offloaded > 0, 'some requests must reach the cloud');
    const wrong = all.filter((a) => {
      const want = expected.get(a.key)![a.sample];
      return (
        a.gotSample !== a.sample ||
        a.exit !== want.exit ||
        a.prediction !== want.prediction ||
        Math.abs(a.confidence - want.confidence) > 1e-5 ||
        a.fallback
      );
    });
    assert.deepEqual(wrong, []);
    // The grid really exercises both outcomes under both methods.
    const exits = new Set(all.map((a) => `${a.key}:${a.exit}`));
    assert.ok(
      exits.has('none@0.999:2') && exits.has('none@0.9:1') && exits.has('temperature@0.999:2'),
      [...exits].join(' '),
    );
  } finally {
    await pair.close();
  }
});
