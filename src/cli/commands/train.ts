import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const trainCommand: Command = {
  summary: 'train',
  async run(): Promise<number> {
    console.error('eecal train: not implemented yet');
    return 3;
  },
};
