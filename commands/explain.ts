import { Args, Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../oclif/flags.js';
import { EXPLAIN_FLAGS } from '../src/cli/explain.js';

export default class Explain extends Command {
  static summary = "Print a finding's doc: why it matters, the failure it causes, how to fix it";
  static description = 'Every finding id (ZA1xx audit, ZA2xx signals, ZA3xx probe, ZL lint) has a doc page; this prints it, and its address on the web.';
  static examples = ['<%= config.bin %> explain ZA101', '<%= config.bin %> explain --list'];
  static strict = false;
  static args = { id: Args.string({ description: 'finding id, e.g. ZA101 or ZL103', required: false }) };
  static flags = oclifFlags(EXPLAIN_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'explain');
  }
}
