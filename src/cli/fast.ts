import { parseArgs } from 'node:util';
import { AUDIT_FLAGS, toAuditOptions, UsageError } from './audit-options.js';
import { runAudit } from './audit.js';
import { processIO } from './io.js';

/**
 * The audit without oclif: `zombie-audit <container>` is what an engineer types during an
 * incident, and loading oclif costs ~60 ms here, half of a whole `docker exec`. Returns
 * undefined when the arguments need oclif (help, a parse error): the caller then runs oclif,
 * which prints the proper message.
 */
export async function fastAudit(argv: string[]): Promise<number | undefined> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, f] of Object.entries(AUDIT_FLAGS)) {
    options[name] = { type: f.type, ...('char' in f && f.char ? { short: f.char } : {}), ...('multiple' in f && f.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  let opts;
  try {
    opts = toAuditOptions(parsed.values, parsed.positionals);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`zombie-audit: ${e.message}\n  see: zombie-audit audit --help\n`);
      return 2;
    }
    throw e;
  }
  return runAudit(opts, processIO());
}
