import type { Hook } from '@oclif/core';
import { route } from '../oclif/flags.js';

/**
 * `zombie-audit <container>`: oclif has no root command beside sub-commands, so an unknown
 * command id is taken as a container name and handed to `audit`; if no such container exists
 * either, the audit's error names the nearest command ("did you mean").
 */
const hook: Hook<'command_not_found'> = async function (opts) {
  route.implicit = true;
  return opts.config.runCommand('audit', [opts.id, ...(opts.argv ?? [])]);
};

export default hook;
