import { resolveMethods, type MethodLike } from '../calibration/methods';
import { OptionError } from '../errors';

/** The settings a playground notebook edits (notebook 08's `PLAY`); every field optional. */
export interface PlaygroundOptions {
  methods?: readonly (MethodLike | string)[];
  bins?: number;
  exits?: readonly number[];
  pTar?: number;
  deviceBranches?: number;
  [other: string]: unknown;
}

/**
 * Check a playground's settings against a model with `numExits` exits before anything runs, so a
 * typo is one line naming the field (`PLAY.exits[1] = 4: …`) instead of an empty table or a
 * TypeError several cells later. `name` is how the notebook calls the object.
 */
export function checkPlayground(play: PlaygroundOptions, numExits: number, name = 'PLAY'): void {
  if (!play || typeof play !== 'object') throw new OptionError([name], `${name}: expected an object of settings`);
  const E = numExits;
  if (play.methods !== undefined) resolveMethods(play.methods, `${name}.methods`);
  if (play.bins !== undefined && !(Number.isInteger(play.bins) && play.bins >= 1 && play.bins <= 1000)) {
    throw new OptionError(
      [`${name}.bins`],
      `${name}.bins = ${JSON.stringify(play.bins)}: expected a whole number of bins in 1…1000`,
    );
  }
  if (play.exits !== undefined) {
    if (!Array.isArray(play.exits) || play.exits.length === 0)
      throw new OptionError([`${name}.exits`], `${name}.exits: expected a non-empty list of exit numbers in 1…${E}`);
    play.exits.forEach((x, i) => {
      if (!(Number.isInteger(x) && x >= 1 && x <= E))
        throw new OptionError(
          [`${name}.exits`],
          `${name}.exits[${i}] = ${JSON.stringify(x)}: expected an exit number in 1…${E} (exits are numbered from 1; the final exit is ${E})`,
        );
    });
  }
  if (play.pTar !== undefined && !(typeof play.pTar === 'number' && play.pTar >= 0 && play.pTar <= 1)) {
    throw new OptionError(
      [`${name}.pTar`],
      `${name}.pTar = ${JSON.stringify(play.pTar)}: expected a confidence target in [0, 1]`,
    );
  }
  if (
    play.deviceBranches !== undefined &&
    !(Number.isInteger(play.deviceBranches) && play.deviceBranches >= 1 && play.deviceBranches <= E - 1)
  ) {
    throw new OptionError(
      [`${name}.deviceBranches`],
      `${name}.deviceBranches = ${JSON.stringify(play.deviceBranches)}: expected a number of side branches on the device in 1…${E - 1}`,
    );
  }
}
