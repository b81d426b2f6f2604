import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const inferCommand: Command = {
  summary: 'infer',
  async run(): Promise<number> {
    console.error('eecal infer: not implemented yet');
    return 3;
  },
};
