import { Args, Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../oclif/flags.js';
import { FIX_FLAGS } from '../src/cli/fix.js';

export default class Fix extends Command {
  static summary = 'Put a reaper init in front of the app: a fixed image, optionally a safe replacement of the container';
  static description = `Builds a fixed image from the container's image with no registry: za-shim (the project's static init) copied in for the image's architecture, the entrypoint set to [/za-shim, --, <original entrypoint>...], the command, env, user, workdir, stop signal, labels and healthcheck kept. Then probes the original and a sandbox copy of the fixed one and shows them side by side.

--recreate replaces the container: the old one is stopped and renamed, never deleted until the new one has passed the check; on any failure (Ctrl-C included) the new one is removed and the old one restored and started. A container with changes in its writable layer is not recreated unless --commit-changes.

--dockerfile PATH rewrites a Dockerfile instead: shell-form CMD/ENTRYPOINT to exec form where that keeps the meaning, an init in front (installed with the image's package manager, or the project's shim copied in), a diff; --write applies it atomically and keeps a backup.

Refuses where another init must stay PID 1 (s6-overlay) or is already PID 1, and says what to do instead.

Exit codes: 0 fixed (or dry run), 1 the fixed container still has errors, 2 usage or engine error or a refusal.`;
   static examples = ['<%= config.bin %> fix --dockerfile Dockerfile --write', '<%= config.bin %> fix api-1', '<%= config.bin %> fix api-1 --recreate', '<%= config.bin %> fix api-1 --strategy docker-init --recreate --dry-run'];
  static strict = false;
  static args = { container: Args.string({ description: 'container name or id', required: false }) };
  static flags = oclifFlags(FIX_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'fix');
  }
}
