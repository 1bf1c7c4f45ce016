import type { Hook } from '@oclif/core';

/**
 * `zombie-audit <container>`: oclif has no root command beside sub-commands, so an unknown
 * command id is taken as a container name and handed to `audit`.
 */
const hook: Hook<'command_not_found'> = async function (opts) {
  const argv = [opts.id, ...(opts.argv ?? [])];
  return opts.config.runCommand('audit', argv);
};

export default hook;
