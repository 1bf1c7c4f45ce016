import { Args, Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../oclif/flags.js';
import { WATCH_FLAGS } from '../src/cli/watch-options.js';

export default class Watch extends Command {
  static summary = 'Watch zombies pile up: the count over time, the leaking parents, when the PID limit will be reached';
  static description = `Samples the container at an interval (one engine round trip each, as the audit) and shows a live view on a terminal: the zombie count as a chart, the rate (least squares over --window), the leaking parents ranked by zombies per minute, PID 1's state, and the projection "pids.max 4096 reached in about 5 h 40 min at the current rate" (from the pids cgroup, else kernel.pid_max), plus the moment a parent exits and its zombies go to PID 1.

Without a terminal, or with --json: one JSON object per sample (NDJSON).

As a health check: --max-zombies and --max-rate exit 1 the first time a limit is passed.

Exit codes: 0 ended by --count or --duration, 1 a limit passed, 2 usage or engine error, or the container stopped or vanished (without --follow). Ctrl-C: 130, the terminal restored.`;
  static examples = ['<%= config.bin %> watch api-1', '<%= config.bin %> watch api-1 --json --interval 5 --duration 10m', '<%= config.bin %> watch api-1 --max-zombies 100 --count 1'];
  static strict = false;
  static args = { container: Args.string({ description: 'container name or id', required: false }) };
  static flags = oclifFlags(WATCH_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'watch');
  }
}
