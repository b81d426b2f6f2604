import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const partitionCommand: Command = {
  summary: 'partition',
  async run(): Promise<number> {
    console.error('eecal partition: not implemented yet');
    return 3;
  },
};
