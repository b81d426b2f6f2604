import type { CascadeKeys, CascadeLayout } from '../cascade/cascadeKeys';
import type { OutageRow } from '../offloading/outage';
import type { SweepOptions } from '../offloading/thresholdSweep';
import { bootstrapSweepBands, type SweepBand, type SweepBootstrapOptions } from '../offloading/bootstrapBands';
import { outageWithBootstrapBands, type OutageBandOptions } from './outageBands';
import { deviceEceVsPTar, type DeviceEceRow } from './deviceEce';

/**
 * The offloading study's curves with bootstrap bands, per method and k: plain data in, plain data
 * out, each from its own seeds, so any thread can compute any of them (the worker pool does).
 */
export type CurveTask =
  | {
      kind: 'outage-bands';
      keys: CascadeKeys;
      pTars: readonly number[];
      layout: CascadeLayout;
      options: OutageBandOptions;
    }
  | { kind: 'sweep-bands'; keys: CascadeKeys; pTars: readonly number[]; options: SweepOptions & SweepBootstrapOptions }
  | {
      kind: 'device-ece';
      keys: CascadeKeys;
      pTars: readonly number[];
      layout: CascadeLayout;
      options: { bins: number; replicates: number; seed: number };
    };

/** What each kind of task returns. */
export type CurveRows = OutageRow[] | SweepBand[] | DeviceEceRow[];

/** Compute one task (the same call the study made before it ran on several threads). */
export function runCurveTask(t: CurveTask): CurveRows {
  switch (t.kind) {
    case 'outage-bands':
      return outageWithBootstrapBands(t.keys, t.pTars, t.layout, t.options);
    case 'sweep-bands':
      return bootstrapSweepBands(t.keys, t.pTars, t.options);
    case 'device-ece':
      return deviceEceVsPTar(t.keys, t.pTars, t.layout, t.options);
  }
}
