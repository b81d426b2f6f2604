import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { claimsProgressDisplay, durationText, progressBarLine } from '../../src/cli/claimsProgress';

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { out, s: { isTTY, write: (t: string) => out.push(t) } };
}

const at = (done: number, total: number, elapsedMs: number, etaMs: number) => ({
  method: 'temperature',
  label: 'TS per exit',
  done,
  total,
  elapsedMs,
  etaMs,
});

test('a terminal gets one bar redrawn in place, with the time left, ended by a newline', () => {
  const { out, s } = stream(true);
  const d = claimsProgressDisplay(s);
  d.progress(at(250, 1000, 3000, 9000));
  d.progress(at(1000, 1000, 12000, 0));
  assert.equal(out[0], '\r\x1b[2K[######..................] claims of TS per exit: 250/1000 replicates, 9 s left');
  assert.equal(out[1], '\r\x1b[2K[########################] claims of TS per exit: 1000/1000 replicates, done');
  assert.equal(out[2], '\n');
});

test('a log line clears a bar that is drawn, and only then', () => {
  const { out, s } = stream(true);
  const d = claimsProgressDisplay(s);
  d.log('model a');
  d.progress(at(10, 100, 1000, 9000));
  d.log('figure x');
  assert.deepEqual(out.slice(0, 1), ['model a\n']);
  assert.deepEqual(out.slice(2), ['\r\x1b[2K', 'figure x\n']);
});

test('anything but a terminal gets one line per finished stage', () => {
  const { out, s } = stream(false);
  const d = claimsProgressDisplay(s);
  d.progress(at(500, 1000, 5000, 5000));
  d.progress(at(1000, 1000, 125_000, 0));
  d.end();
  assert.deepEqual(out, ['claims of TS per exit: 1000 replicates in 2 min 05 s\n']);
});

test('durations and bars at their edges', () => {
  assert.equal(durationText(59_400), '59 s');
  assert.equal(durationText(60_000), '1 min 00 s');
  assert.equal(durationText(NaN), '?');
  assert.equal(progressBarLine('x', 0, 10, 1000, 4), '[....] claims of x: 0/10 replicates, 1 s left');
});
