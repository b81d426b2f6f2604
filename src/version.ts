import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './util/repoRoot';

let cached: string | null = null;

/** eecal's version, from its package.json (the one source; read once). */
export function packageVersion(): string {
  cached ??= (JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
  return cached;
}
