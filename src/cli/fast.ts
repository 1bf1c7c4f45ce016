import { AUDIT_FLAGS, toAuditOptions } from './audit-options.js';
import { runAudit } from './audit.js';
import { processIO } from './io.js';
import { runWith } from './run.js';

/**
 * The audit without oclif: `zombie-audit <container>` is what an engineer types during an
 * incident, and loading oclif costs ~60 ms here, half of a whole `docker exec`. The same
 * pipeline as the oclif route (runWith: one parser, one error path), bundled into one file.
 * `implicit`: no command was typed, so a name that is neither a container nor a command gets
 * "did you mean" among `commands`.
 */
export async function fastAudit(argv: string[], ctx: { commands?: string[]; implicit?: boolean } = {}): Promise<number> {
  return runWith('audit', { flags: AUDIT_FLAGS, run: (f, a, io) => runAudit(toAuditOptions(f, a, io.env), io) }, argv, processIO(), ctx);
}
