import { Args, Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../oclif/flags.js';
import { COMPLETION_FLAGS } from '../src/cli/completion.js';

export default class Completion extends Command {
  static summary = 'Print the fish completion script (bash and zsh: zombie-audit autocomplete)';
  static examples = ['<%= config.bin %> completion fish > ~/.config/fish/completions/zombie-audit.fish'];
  static strict = false;
  static args = { shell: Args.string({ description: 'fish', required: false }) };
  static flags = oclifFlags(COMPLETION_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'completion');
  }
}
