import type { Command } from '../main';

// PLACEHOLDER: implemented by the issue that owns this command.
export const deadlineCommand: Command = {
  summary: 'deadline',
  async run(): Promise<number> {
    console.error('eecal deadline: not implemented yet');
    return 3;
  },
};
