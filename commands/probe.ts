import { Args, Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../oclif/flags.js';
import { PROBE_FLAGS } from '../src/cli/probe.js';

export default class Probe extends Command {
  static summary = 'Prove what PID 1 does with orphans and with the stop signal';
  static description = `Zombie probe: makes one orphan in the container's PID namespace (a docker exec, or a helper container for images with no shell) and watches whether PID 1 reaps it. Where PID 1 does not reap, that one zombie stays until the container restarts; nothing else is left.

TERM probe, safe by default: never stops your container by surprise.
- Where /proc proves PID 1 drops the signal (no handler, not blocked, not sleeping in sigtimedwait, not a known init, no --init), it is sent to the live container, which is confirmed still running: "ignores TERM (verified)".
- Otherwise the shutdown is tested on a sandbox copy (same image, entrypoint, command, env, user, workdir, stop signal; network none, no ports, every volume replaced by an empty tmpfs), stopped the way docker stop does, measured, and removed whatever happens (Ctrl-C included).
- --live --yes runs the stop test on the real container, then starts it again.

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or engine error.`;
  static examples = [
    '<%= config.bin %> probe api-1',
    '<%= config.bin %> probe api-1 --signal TERM --signal INT --json',
    '<%= config.bin %> probe api-1 --live --yes',
  ];
  static strict = false;
  static args = { container: Args.string({ description: 'container name or id', required: false }) };
  static flags = oclifFlags(PROBE_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'probe');
  }
}
