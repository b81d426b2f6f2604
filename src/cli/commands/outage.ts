import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const outageCommand: Command = {
  summary: 'outage',
  async run(): Promise<number> {
    console.error('eecal outage: not implemented yet');
    return 3;
  },
};
