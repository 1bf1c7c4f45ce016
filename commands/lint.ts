import { Command } from '@oclif/core';
import { oclifFlags, runOclif } from '../oclif/flags.js';
import { LINT_FLAGS } from '../src/cli/lint.js';

export default class Lint extends Command {
  static summary = 'Catch PID 1 problems before deploy: Dockerfiles, entrypoint scripts, compose and Kubernetes files, images';
  static description = `Reads the Dockerfile's final stage (or --target) with a real Dockerfile parser, follows ENTRYPOINT/CMD through inits and exec wrappers (gosu, su-exec) to the entrypoint script it copies in, and reads that script with tree-sitter-bash: does it exec its final command, start background jobs, trap and forward signals. Compose files (init, stop_grace_period, command/entrypoint, a build's Dockerfile) and Kubernetes pod specs (command/args, terminationGracePeriodSeconds, shareProcessNamespace). --image REF reads an image on the engine.

Ignore a finding with a comment on the line before: # zombie-audit ignore=ZL101 reason (or ignore-file=ID for the whole file). Config: .zombie-audit.json or .zombie-audit.yaml with {ignore: [ids], severity: {ID: level}, failOn}.

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage error or unreadable input.`;
  static examples = ['<%= config.bin %> lint Dockerfile', '<%= config.bin %> lint . --format sarif > zombie-audit.sarif', '<%= config.bin %> lint compose.yaml k8s/deploy.yaml', '<%= config.bin %> lint --image nginx:1.27'];
  static strict = false;
  static flags = oclifFlags(LINT_FLAGS);

  async run(): Promise<void> {
    await runOclif(this, 'lint');
  }
}
