import type { AuditReport } from '../analysis/audit.js';
import { runCleanup } from '../cleanup.js';
import { toJSON } from '../render/json.js';
import { makeStyle, wantColor } from '../render/style.js';
import type { AuditOptions } from './audit-options.js';
import { reportError } from './errors.js';
import type { IO } from './io.js';
import { auditOne, engineFor, exitFor } from './shared.js';

// kept for the modules that import them from here
export { auditOne, engineFor, exitFor, reportError };

/** `zombie-audit <container>...` and `zombie-audit --all`: returns the exit code. */
export async function runAudit(opts: AuditOptions, io: IO): Promise<number> {
  if (opts.runtime !== 'docker' && (await import('./runtime-flags.js')).pickRuntime(opts, io.env) === 'containerd') return (await import('./containerd.js')).runContainerdAudit(opts, io);
  const engine = engineFor(opts, io.env);
  try {
    if (opts.all) {
      const { runScan } = await import('./scan.js');
      return await runScan(engine, opts, io);
    }
    const reports: AuditReport[] = [];
    for (const ref of opts.containers) reports.push(await auditOne(engine, ref, opts.method));
    if (opts.json) {
      io.stdout.write(toJSON(reports.length === 1 ? reports[0] : reports));
    } else {
      const style = await makeStyle(wantColor(io.stdout, io.env));
      const { renderAuditHuman } = await import('../render/audit-human.js');
      const parts = await Promise.all(reports.map((r) => renderAuditHuman(r, style, { tree: opts.tree })));
      io.stdout.write(parts.join('\n'));
    }
    return exitFor(reports.flatMap((r) => r.findings), opts.failOn);
  } finally {
    await runCleanup();
    engine.close();
  }
}
