import { Args, Command, Flags } from '@oclif/core';
import { withExit } from '../../oclif/flags.js';
import { processIO } from '../../src/cli/io.js';
import { exportShim } from '../../src/cli/shim.js';

export default class ShimExport extends Command {
  static summary = 'Write the bundled za-shim (static, linux) to a folder, to COPY into your images';
  static examples = ['<%= config.bin %> shim export ./za', '<%= config.bin %> shim export ./za --arch all'];
  static args = { dir: Args.string({ description: 'folder to write into', required: true }) };
  static flags = {
    arch: Flags.string({ options: ['amd64', 'arm64', 'all'], default: 'amd64', description: 'architecture (all: za-shim-amd64 and za-shim-arm64)' }),
    force: Flags.boolean({ description: 'overwrite an existing file' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ShimExport);
    const arches = flags.arch === 'all' ? ['amd64', 'arm64'] : [flags.arch];
    await withExit('shim export', async () => exportShim(args.dir, arches, flags.force, processIO()));
  }
}
