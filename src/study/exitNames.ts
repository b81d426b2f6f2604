import type { ExitRecords } from '../records/types';

/** Exit names from the records' sidecar, else branch1 … branch{E−1}, final. */
export function exitNamesOf(records: ExitRecords): string[] {
  return (
    records.meta?.exitNames ??
    Array.from({ length: records.numExits }, (_, e) => (e === records.numExits - 1 ? 'final' : `branch${e + 1}`))
  );
}
