import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const dataCommand: Command = {
  summary: 'data',
  async run(): Promise<number> {
    console.error('eecal data: not implemented yet');
    return 3;
  },
};
