import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const calibrateCommand: Command = {
  summary: 'calibrate',
  async run(): Promise<number> {
    console.error('eecal calibrate: not implemented yet');
    return 3;
  },
};
