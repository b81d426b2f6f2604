import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvironmentError } from '../errors';

/**
 * The eecal package root (the folder holding its package.json), found by walking up from this
 * file, so it is right from src/ (tsx, tslab) and from dist/src/ (compiled CLI) alike.
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && (JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'eecal')
      return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new EnvironmentError(`cannot find the eecal package root above ${from}`);
    dir = up;
  }
}
