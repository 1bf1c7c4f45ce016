import { analyze, type AuditReport } from '../analysis/audit.js';
import { collect, containerInfo } from '../collect/collect.js';
import { runCleanup } from '../cleanup.js';
import { Engine } from '../engine/client.js';
import { housekeeping } from '../fix/housekeeping.js';
import { resolveEndpoint } from '../engine/connection.js';
import { EXIT, ZaError } from '../engine/errors.js';
import { atOrAbove, type Finding } from '../findings/model.js';
import { toJSON } from '../render/json.js';
import { makeStyle, wantColor } from '../render/style.js';
import type { AuditOptions } from './audit-options.js';
import type { IO } from './io.js';
import { escapeText as esc } from '../render/escape.js';

export function exitFor(findings: readonly Finding[], failOn: AuditOptions['failOn']): number {
  return atOrAbove(findings, failOn).length > 0 ? EXIT.FINDINGS : EXIT.OK;
}

export function engineFor(opts: Pick<AuditOptions, 'host' | 'timeoutSeconds'>, env: NodeJS.ProcessEnv): Engine {
  const engine = new Engine(resolveEndpoint(opts.host, env), { timeoutMs: opts.timeoutSeconds * 1000 });
  // beside the command: finish or roll back what killed runs left, remove their leftovers
  housekeeping(engine);
  return engine;
}

/** Print an error the way every command does: a line, a hint; JSON when asked. */
export function reportError(err: unknown, io: IO, json: boolean): number {
  const e = err instanceof ZaError ? err : new ZaError('ENGINE_API', err instanceof Error ? err.message : String(err));
  if (json) io.stdout.write(toJSON({ error: e.toJSON() }));
  io.stderr.write(`zombie-audit: ${esc(e.message)}\n`);
  if (e.hint) io.stderr.write(`  hint: ${esc(e.hint)}\n`);
  return EXIT.ERROR;
}

export async function auditOne(engine: Engine, ref: string, method: AuditOptions['method']): Promise<AuditReport> {
  const c = await collect(engine, ref, method === 'host' ? 'auto' : method);
  return analyze(c.snapshot, containerInfo(c.inspect), c.method);
}

/** `zombie-audit <container>...` and `zombie-audit --all`: returns the exit code. */
export async function runAudit(opts: AuditOptions, io: IO): Promise<number> {
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
  } catch (err) {
    return reportError(err, io, opts.json);
  } finally {
    await runCleanup();
    engine.close();
  }
}
