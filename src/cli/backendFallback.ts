import * as fs from 'node:fs';
import type { BackendChoice } from '../backend/selectBackend';

/**
 * The address-space limit of this process in bytes (`ulimit -v`), from /proc/self/limits; null
 * when unlimited or unknown. `limitsText` is injectable for tests.
 */
export function addressSpaceLimit(limitsText?: string): number | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = fs.readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const m = /^Max address space\s+(\S+)/m.exec(text);
  if (!m || m[1] === 'unlimited') return null;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : null;
}

/**
 * When a better backend was found but failed to start and a slower one was chosen instead, one
 * line saying which, why, and what to do; null otherwise. The common cause is an address-space
 * limit: WebAssembly reserves several GiB of virtual memory per instance, so under `ulimit -v` wasm
 * fails and tfjs's own advice (about serving the .wasm file, or installing tfjs-node) misleads.
 */
export function fallbackNote(choice: BackendChoice, limit: number | null = addressSpaceLimit()): string | null {
  const chosenAt = choice.statuses.findIndex((s) => s.candidate === choice.candidate);
  const failed = choice.statuses
    .slice(0, Math.max(0, chosenAt))
    .find((s) => !s.usable && s.detail.startsWith('failed to initialise'));
  if (!failed) return null;
  const why =
    limit !== null && failed.candidate === 'wasm'
      ? `the address-space limit (ulimit -v ${Math.round(limit / 1024)} KiB) leaves WebAssembly no room to reserve its memory; raise it (ulimit -v unlimited), and ignore tfjs's advice about serving the .wasm file`
      : `${failed.detail}; see eecal doctor`;
  return `note: backend ${failed.candidate} failed to initialise, so ${choice.candidate} runs instead (much slower): ${why}`;
}
