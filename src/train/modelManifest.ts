import * as path from 'node:path';
import { writeJsonAtomic } from '../util/atomicWrite';
import type { ModelManifest } from '../records/modelFolder';

// Reading a model folder (manifest, training log, records) is records/modelFolder.ts's job.
export { readModelManifest, type ModelManifest } from '../records/modelFolder';

/** Write `eecal-model.json` into a model directory, atomically. */
export function writeModelManifest(dir: string, m: ModelManifest): void {
  writeJsonAtomic(path.join(dir, 'eecal-model.json'), m);
}
