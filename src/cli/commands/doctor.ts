import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Command } from '../main';
import { parseCommandArgs } from '../args';
import { selectBackend, type BackendChoice } from '../../backend/selectBackend';
import { nativeSmoothSums, nativeSoftmax } from '../../backend/nativeBlas';
import { fallbackNote } from '../backendFallback';
import { repoRoot } from '../../util/repoRoot';

/** Run a command and return its first stdout line, or null when it is absent or fails. */
function firstLine(cmd: string, args: string[]): string | null {
  try {
    return (
      execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15_000 })
        .trim()
        .split('\n')[0] ?? null
    );
  } catch {
    return null;
  }
}

/** GPU visibility: nvidia-smi's view of the devices, when the tool exists. */
export function gpuVisibility(): string {
  const smi = firstLine('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader']);
  return smi ? `visible via nvidia-smi: ${smi}` : 'none visible (nvidia-smi not found or no device)';
}

/** Which code computes the verdicts' torch-lbfgs refit objective (the same numbers either way). */
function bootstrapObjectiveStatus(): string {
  const native = nativeSoftmax();
  if (!native) return 'JavaScript (the native addon is not built, or EECAL_NATIVE=0)';
  return `native ${native.info().kernels.temperatureNll ?? 'C'}`;
}

/** Which code runs the smooth-ECE loops of `metrics --bootstrap` (the same numbers either way). */
function smoothEceLoopsStatus(): string {
  const native = nativeSmoothSums();
  return native ? `native ${native.path}` : 'JavaScript (the native addon is not built, or EECAL_NATIVE=0)';
}

/** Is the tslab kernel registered in the project prefix (.jupyter/) or a system location? */
export function tslabKernelStatus(root: string): string {
  const candidates = [
    path.join(root, '.jupyter/share/jupyter/kernels/tslab/kernel.json'),
    '/usr/local/share/jupyter/kernels/tslab/kernel.json',
    '/usr/share/jupyter/kernels/tslab/kernel.json',
    path.join(process.env.HOME ?? '/root', '.local/share/jupyter/kernels/tslab/kernel.json'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  return found ? `registered (${found})` : 'not registered (see README: Notebooks)';
}

/** Chromium for figure export: Debian's /usr/bin/chromium or $EECAL_CHROMIUM. */
export function chromiumStatus(): string {
  const exe = process.env.EECAL_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(exe))
    return `not found at ${exe} (apt-get install chromium; PNG/SVG export disabled, HTML still written)`;
  const v = firstLine(exe, ['--version']);
  return `${exe}${v ? ` (${v.replace(/^.*?Chromium/, 'Chromium')})` : ''}`;
}

export const doctorCommand: Command = {
  summary: 'check backends, GPU, Jupyter kernel and Chromium',
  async run(argv) {
    const { values } = parseCommandArgs('doctor', argv, {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      console.log(
        'usage: eecal doctor [--json]\n\nPrints Node version, every tfjs backend candidate and its status, the chosen backend,\nthreads, GPU visibility, the tslab Jupyter kernel and Chromium. Exit 0 when a usable backend exists.',
      );
      return 0;
    }
    const root = repoRoot();
    let choice: BackendChoice | null = null;
    let error: string | null = null;
    try {
      choice = await selectBackend({ training: true });
    } catch (err) {
      error = (err as Error).message;
    }
    const report = {
      node: process.version,
      backend: choice
        ? {
            chosen: choice.backend,
            candidate: choice.candidate,
            threads: choice.threads,
            gpu: choice.gpu,
            kernels: choice.kernels,
          }
        : null,
      candidates: choice?.statuses ?? [],
      gpu: gpuVisibility(),
      tslabKernel: tslabKernelStatus(root),
      chromium: chromiumStatus(),
      bootstrapObjective: bootstrapObjectiveStatus(),
      bootstrapSmoothEce: smoothEceLoopsStatus(),
      error,
    };
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(`node         ${report.node}`);
      console.log('backends (best first):');
      for (const s of report.candidates) {
        console.log(
          `  ${choice && s.candidate === choice.candidate ? '→' : ' '} ${s.candidate.padEnd(13)} ${s.usable ? 'usable  ' : 'unusable'}  ${s.detail}`,
        );
      }
      console.log(
        `chosen       ${choice ? `${choice.backend} (${choice.candidate}), ${choice.threads} thread${choice.threads === 1 ? '' : 's'}${choice.gpu ? ', on GPU' : ''}` : `none: ${error}`}`,
      );
      // Which code runs each kernel eecal replaced, in the order tried (each passes on what it does not cover).
      choice?.kernels.forEach((k, i) =>
        console.log(`${i === 0 ? 'kernels     ' : '            '} ${k.kernel.padEnd(21)} ${k.chain.join(' → ')}`),
      );
      console.log(`GPU          ${report.gpu}`);
      console.log(`tslab kernel ${report.tslabKernel}`);
      console.log(`chromium     ${report.chromium}`);
      console.log(`bootstrap    torch-lbfgs refits on ${report.bootstrapObjective}`);
      console.log(`             metrics' smooth ECE on ${report.bootstrapSmoothEce}`);
      const note = choice ? fallbackNote(choice) : null;
      if (note) console.log(note);
    }
    return choice ? 0 : 1;
  },
};
