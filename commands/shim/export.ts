import { Args, Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../../oclif/flags.js';
import { SHIM_EXPORT_FLAGS } from '../../src/cli/shim.js';

export default class ShimExport extends Command {
  static summary = 'Write the bundled za-shim (static, linux) to a folder, to COPY into your images';
  static examples = ['<%= config.bin %> shim export ./za', '<%= config.bin %> shim export ./za --arch all'];
  static strict = false;
  static args = { dir: Args.string({ description: 'folder to write into', required: false }) };
  static flags = oclifFlags(SHIM_EXPORT_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'shim export');
  }
}
