import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const metricsCommand: Command = {
  summary: 'metrics',
  async run(): Promise<number> {
    console.error('eecal metrics: not implemented yet');
    return 3;
  },
};
