import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkPlayground, type PlaygroundOptions } from '../../src/study/playground';
import { OptionError } from '../../src/errors';

const fails = (play: PlaygroundOptions, message: RegExp) =>
  assert.throws(
    () => checkPlayground(play, 3),
    (e: unknown) =>
      e instanceof OptionError && message.test((e as Error).message) && !(e as Error).message.includes('\n'),
  );

test('a bad PLAY value is one line naming the field', () => {
  checkPlayground(
    { methods: ['temperature', 'isotonic'], bins: 10, exits: [1, 3], pTar: 0.8, deviceBranches: 2, scores: ['pmax'] },
    3,
  );
  fails({ methods: ['temprature'] }, /^PLAY\.methods\[0\] "temprature": expected one of temperature/);
  fails({ exits: [1, 4] }, /^PLAY\.exits\[1\] = 4: expected an exit number in 1…3/);
  fails({ exits: [0] }, /^PLAY\.exits\[0\] = 0: expected an exit number in 1…3/);
  fails({ bins: 0 }, /^PLAY\.bins = 0: expected a whole number of bins/);
  fails({ pTar: 80 }, /^PLAY\.pTar = 80: expected a confidence target in \[0, 1\]/);
  fails({ deviceBranches: 3 }, /^PLAY\.deviceBranches = 3: expected a number of side branches on the device in 1…2/);
});
