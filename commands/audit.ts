import { Args, Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../oclif/flags.js';
import { AUDIT_FLAGS } from '../src/cli/audit-options.js';

export default class Audit extends Command {
  static summary = "Audit containers' PID 1: zombies and who can reap them, and what docker stop will do";
  static description = `Reads the container's /proc through the engine (one docker exec, or a helper container in its PID namespace when the image has no shell) and reports: what PID 1 is (init, shell or app), whether TERM, INT, HUP and QUIT reach it, what docker stop will do, every zombie with its parent and who can reap it, and the PID headroom.

\`zombie-audit <container>\` is the same as \`zombie-audit audit <container>\`.

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or engine error.`;
  static examples = [
    '<%= config.bin %> api-1',
    '<%= config.bin %> audit api-1 --json',
    '<%= config.bin %> --all --fail-on error',
    'DOCKER_HOST=ssh://ops@host <%= config.bin %> api-1',
  ];
  static strict = false;
  static args = { container: Args.string({ description: 'container name or id (several allowed)', required: false }) };
  static flags = oclifFlags(AUDIT_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'audit');
  }
}
