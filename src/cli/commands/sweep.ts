import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const sweepCommand: Command = {
  summary: 'sweep',
  async run(): Promise<number> {
    console.error('eecal sweep: not implemented yet');
    return 3;
  },
};
