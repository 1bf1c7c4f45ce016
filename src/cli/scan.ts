import type { Engine } from '../engine/client.js';
import { EXIT, ZaError } from '../engine/errors.js';
import { toJSON } from '../render/json.js';
import { renderScanHuman, type ScanFailure, type ScanReport } from '../render/scan-human.js';
import { makeStyle, wantColor } from '../render/style.js';
import { auditOne, exitFor } from './shared.js';
import type { AuditOptions } from './audit-options.js';
import type { IO } from './io.js';

export type { ScanFailure, ScanReport };

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

export async function runScan(engine: Engine, opts: AuditOptions, io: IO): Promise<number> {
  const report = await scan(engine, opts, io);
  report.containers.sort((a, b) => a.container.name.localeCompare(b.container.name));
  if (opts.json) io.stdout.write(toJSON(report));
  else io.stdout.write(await renderScanHuman(report, await makeStyle(wantColor(io.stdout, io.env))));
  if (report.failures.length > 0) return EXIT.ERROR;
  return exitFor(report.containers.flatMap((r) => r.findings), opts.failOn);
}
