import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const reproduceCommand: Command = {
  summary: 'reproduce',
  async run(): Promise<number> {
    console.error('eecal reproduce: not implemented yet');
    return 3;
  },
};
