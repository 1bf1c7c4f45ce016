import type { AuditReport } from '../analysis/audit.js';
import type { Engine } from '../engine/client.js';
import { EXIT, ZaError } from '../engine/errors.js';
import { SEVERITY_RANK, type Severity } from '../findings/model.js';
import { toJSON } from '../render/json.js';
import { makeStyle, wantColor } from '../render/style.js';
import { auditOne, exitFor } from './audit.js';
import type { AuditOptions } from './audit-options.js';
import type { IO } from './io.js';
import { escapeText as esc } from '../render/escape.js';

export interface ScanFailure { container: string; code: string; message: string }

export interface ScanReport {
  schema: 'zombie-audit/scan@1';
  method: string;
  containers: AuditReport[];
  /** containers that could not be audited (the others still are) */
  failures: ScanFailure[];
  /** containers that stopped or vanished between the listing and their audit */
  skipped: ScanFailure[];
}

/** Run `fn` over `items` with at most `limit` at once. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try { out[i] = { status: 'fulfilled', value: await fn(items[i], i) }; } catch (e) { out[i] = { status: 'rejected', reason: e }; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const GONE = new Set(['NOT_FOUND', 'NOT_RUNNING', 'EXITED_DURING_AUDIT']);

export async function scan(engine: Engine, opts: AuditOptions, io: IO): Promise<ScanReport> {
  const query = Object.keys(opts.filters).length ? { filters: JSON.stringify(opts.filters) } : undefined;
  const list = await engine.json<Array<{ Id: string; Names: string[] }>>('GET', '/containers/json', { query });
  const names = list.map((c) => c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12));
  const report: ScanReport = { schema: 'zombie-audit/scan@1', method: opts.method, containers: [], failures: [], skipped: [] };
  if (opts.method === 'host' || (opts.method === 'auto' && list.length > 1)) {
    const { scanHost } = await import('../collect/host.js');
    try {
      const r = await scanHost(engine, list.map((c) => c.Id));
      report.method = 'host';
      report.containers = r.reports;
      report.skipped = r.skipped;
      return report;
    } catch (e) {
      if (opts.method === 'host') throw e;
      io.stderr.write(`zombie-audit: host-wide read not possible (${(e as Error).message}); auditing each container by exec\n`);
    }
  }
  report.method = 'exec';
  const progress = io.stderr.isTTY && !opts.json;
  let done = 0;
  const results = await pool(list, opts.concurrency, async (c) => {
    const r = await auditOne(engine, c.Id, opts.method === 'host' ? 'auto' : opts.method);
    done++;
    if (progress) io.stderr.write(`\rauditing ${done}/${list.length} containers…`);
    return r;
  });
  if (progress) io.stderr.write('\r\x1b[K');
  results.forEach((res, i) => {
    if (res.status === 'fulfilled') report.containers.push(res.value);
    else {
      const e = res.reason;
      const f = { container: names[i], code: e instanceof ZaError ? e.code : 'ERROR', message: e instanceof Error ? e.message : String(e) };
      (e instanceof ZaError && GONE.has(e.code) ? report.skipped : report.failures).push(f);
    }
  });
  return report;
}

function worst(r: AuditReport): Severity | undefined {
  let w: Severity | undefined;
  for (const f of r.findings) if (!w || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w]) w = f.severity;
  return w;
}

export async function runScan(engine: Engine, opts: AuditOptions, io: IO): Promise<number> {
  const report = await scan(engine, opts, io);
  report.containers.sort((a, b) => a.container.name.localeCompare(b.container.name));
  if (opts.json) io.stdout.write(toJSON(report));
  else {
    const style = await makeStyle(wantColor(io.stdout, io.env));
    const { default: Table } = await import('cli-table3');
    const t = new Table({
      head: ['container', 'PID 1', 'kind', 'zombies', 'TERM', 'docker stop', 'findings'],
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      style: { head: style.color ? ['bold'] : [], border: style.color ? ['grey'] : [] },
    });
    for (const r of report.containers) {
      const w = worst(r);
      t.push([esc(r.container.name), esc(r.pid1.name), r.pid1.kind, r.processes.zombies ? style.red(String(r.processes.zombies)) : '0',
        r.pid1.signals.TERM, r.stop.outcome === 'killed' ? style.red(`killed after ${r.stop.timeoutSeconds} s`) : r.stop.outcome,
        r.findings.length ? `${w ? style.sev(w).trim() : ''} ${r.findings.map((f) => f.id).join(' ')}` : style.green('none')]);
    }
    io.stdout.write(`${report.containers.length} container${report.containers.length === 1 ? "" : "s"} audited (read by ${report.method})\n${t.toString()}\n`);
    for (const f of report.skipped) io.stdout.write(style.dim(`skipped ${esc(f.container)}: ${esc(f.message)}\n`));
    for (const f of report.failures) io.stdout.write(style.red(`failed ${esc(f.container)}: ${esc(f.message)}\n`));
    io.stdout.write(`details: zombie-audit <container>; ids: docs/findings/\n`);
  }
  if (report.failures.length > 0) return EXIT.ERROR;
  return exitFor(report.containers.flatMap((r) => r.findings), opts.failOn);
}
