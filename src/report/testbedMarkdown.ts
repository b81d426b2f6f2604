import type { MeasuredRun } from '../records/measuredRecords';
import type { TestbedComparison } from '../study/testbedComparison';
import { markdownTable } from './markdownTable';
import { testbedDeadlineClaimMarkdown } from './testbedDeadlineClaimMarkdown';

/**
 * The sentences and tables of a testbed comparison (comparison.md of `eecal testbed compare`, and
 * notebook 11): what was measured where, the model it is compared with, and the two tables.
 */
const fmt = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
const pct = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)} %`);

export function testbedComparisonMarkdown(runs: readonly MeasuredRun[], c: TestbedComparison): string {
  const first = runs[0].meta;
  const s = c.settings;
  const cloud =
    'speedup' in s.cloud
      ? `the device's time for the rest of the trunk / ${s.cloud.speedup}`
      : `${JSON.stringify(s.cloud.ms)} ms`;
  const rtts = [...new Set(c.modelled.map((m) => m.rttMs))].join(', ');
  const deadlineRows = c.deadline.map((d) => {
    const gap = (j: number) => Math.abs(d.measured[j].missedProbability - d.modelled[j].missedProbability);
    const worst = d.measured.reduce((b, _, j) => (gap(j) > gap(b) ? j : b), 0);
    const r = d.measured[worst];
    const o = d.modelled[worst];
    const disjoint = d.overlap.filter((x) => x === false).length;
    return [
      d.uplink,
      d.method,
      String(d.pTar),
      String(d.samples),
      fmt(r.deadlineMs, 0),
      `${fmt(r.missedProbability, 3)} [${fmt(r.ciLow, 3)}, ${fmt(r.ciHigh, 3)}]`,
      `${fmt(o.missedProbability, 3)} [${fmt(o.ciLow, 3)}, ${fmt(o.ciHigh, 3)}]`,
      `${disjoint} of ${d.measured.length}`,
    ];
  });
  return [
    '# Testbed: measured against modelled latency',
    '',
    `Model ${first.model.architecture} (weights ${first.model.digest}), k = ${first.model.edgeExits}, ${first.dataset} ${first.split} split; split tensor sent as ${first.wire}. ` +
      `Runs: ${runs.map((r) => `${r.name} (${r.meta.link.uplinkMbps} Mbit/s, ${r.rows.length} answers, ${r.rows.filter((x) => x.fallback).length} fallbacks)`).join(', ')}. ` +
      `Link, as each run states it: ${[...new Set(runs.map((r) => r.meta.link.note ?? 'not stated'))].join('; ')}; configured delay ${[...new Set(runs.map((r) => r.meta.link.configuredDelayMs ?? 0))].join(', ')} ms (a setting, never part of a measured time). ` +
      `Measured on: ${JSON.stringify(first.machine)}; created ${first.createdAt}.`,
    '',
    `Latency model: device times from the records' sidecar, split tensor / uplink, RTT ${rtts} ms, cloud = ${cloud}. ` +
      'Measured end-to-end times (total_ms) also hold the HTTP request from the end node to the edge, which the model does not. ' +
      'Relative error = (measured − modelled) / modelled; intervals are distribution-free 95 % intervals of the quantile.',
    '',
    markdownTable(
      [
        'uplink',
        'quantity',
        'n',
        'modelled ms',
        'median ms [95 % CI]',
        'p95 ms [95 % CI]',
        'median rel. error',
        'p95 rel. error',
      ],
      c.latency.map((r) => [
        r.uplink,
        r.quantity,
        String(r.n),
        fmt(r.modelledMs),
        `${fmt(r.medianMs)} [${fmt(r.medianCi?.[0] ?? null)}, ${fmt(r.medianCi?.[1] ?? null)}]`,
        `${fmt(r.p95Ms)} [${fmt(r.p95Ci?.[0] ?? null)}, ${fmt(r.p95Ci?.[1] ?? null)}]`,
        pct(r.medianRelError),
        pct(r.p95RelError),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    '## P[missed deadline]: measured times against modelled times',
    '',
    `On the measured samples: batches of ${s.batchSize}, ${s.rounds} rounds (seed ${s.seed}), mean and 95 % CI over rounds; a batch misses when its accuracy < p_tar or its mean time > the deadline. ` +
      'Shown: the deadline of the grid where measured and modelled differ most; "CIs disjoint" counts the deadlines where the two 95 % intervals do not overlap (every deadline is in deadline.csv).',
    '',
    markdownTable(
      [
        'uplink',
        'method',
        'p_tar',
        'samples',
        'deadline ms',
        'measured P_miss [95 % CI]',
        'modelled P_miss [95 % CI]',
        'CIs disjoint',
      ],
      deadlineRows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    // The claim's section ends with its own blank line; without a calibration there is none.
    ...[testbedDeadlineClaimMarkdown(c.deadlineClaims, first.model.edgeExits)].filter((x) => x !== ''),
  ].join('\n');
}
