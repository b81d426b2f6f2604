import { ConfigError } from '../errors';
import { buildBAlexNet } from './bAlexNet';
import { buildBLeNet } from './bLeNet';
import type { EarlyExitNetwork } from './earlyExitNetwork';

/** Architectures the CLI knows by name, with the dataset each is made for. */
export const ARCHITECTURES = {
  'b-alexnet': { build: buildBAlexNet, dataset: 'cifar10' },
  'b-lenet': { build: buildBLeNet, dataset: 'mnist' },
} as const;

export type ArchitectureName = keyof typeof ARCHITECTURES;

/** Build an architecture by name (weights freshly initialised from `seed`). */
export function buildArchitecture(name: string, opts: { numClasses?: number; seed?: number } = {}): EarlyExitNetwork {
  const entry = (ARCHITECTURES as Record<string, (typeof ARCHITECTURES)[ArchitectureName]>)[name];
  if (!entry) throw new ConfigError(`unknown model "${name}": expected one of ${Object.keys(ARCHITECTURES).join(', ')}`);
  return entry.build(opts);
}
