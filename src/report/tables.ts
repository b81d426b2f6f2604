import type { CalibrationStudy } from '../study/calibrationStudy';
import type { OffloadingStudy } from '../study/offloadingStudy';
import { toCsv } from './markdownTable';

/**
 * The report's CSV tables, keyed by file name: exactly the numbers behind the figures, one row per
 * (method, grid point), so they can be re-plotted or checked without eecal.
 */
export function reportTables(cal: CalibrationStudy, off: OffloadingStudy): Record<string, string> {
  const out: Record<string, string> = {};
  out['calibration-per-exit.csv'] = toCsv(cal.rows.map((r) => ({ ...r })));
  out['reliability-bins.csv'] = toCsv(
    cal.reliability.flatMap((m) =>
      m.exits.flatMap((x) =>
        x.metrics.bins.map((b) => ({ method: m.label, exit: x.exit, name: x.name, ece: x.metrics.ece, ...b })),
      ),
    ),
  );
  for (const p of off.partitions) {
    const k = p.edgeExits;
    out[`sweep-k${k}.csv`] = toCsv(
      p.methods.flatMap((m) =>
        m.sweep.map((r, i) => ({
          method: m.label,
          pTar: r.pTar,
          offloadProbability: r.offloadProbability,
          offloadLow: m.bands[i].offloadProbability[0],
          offloadHigh: m.bands[i].offloadProbability[1],
          onDeviceAccuracy: r.onDeviceAccuracy,
          onDeviceLow: m.bands[i].onDeviceAccuracy?.[0] ?? null,
          onDeviceHigh: m.bands[i].onDeviceAccuracy?.[1] ?? null,
          overallAccuracy: r.overallAccuracy,
          overallLow: m.bands[i].overallAccuracy[0],
          overallHigh: m.bands[i].overallAccuracy[1],
          exitFractions: r.exitFractions,
        })),
      ),
    );
    out[`outage-k${k}.csv`] = toCsv(p.methods.flatMap((m) => m.outage.map((r) => ({ method: m.label, ...r }))));
    out[`missed-deadline-k${k}.csv`] = toCsv(
      p.methods.flatMap((m) => m.deadline.map((r) => ({ method: m.label, ...r }))),
    );
  }
  return out;
}
