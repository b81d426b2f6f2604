import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const doctorCommand: Command = {
  summary: 'doctor',
  async run(): Promise<number> {
    console.error('eecal doctor: not implemented yet');
    return 3;
  },
};
