import type { AuditReport } from '../analysis/audit.js';
import { escapeStrings } from './escape.js';
import { SEVERITY_RANK, type Severity } from '../findings/model.js';
import type { Style } from './style.js';

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

function worst(r: AuditReport): Severity | undefined {
  let w: Severity | undefined;
  for (const f of r.findings) if (!w || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w]) w = f.severity;
  return w;
}

/** How a runtime names its containers and its stop (Docker by default; containerd: pods). */
export interface ScanWords {
  container: string;
  stop: string;
  readBy: string;
  details: string;
}

const DOCKER_WORDS = { container: 'container', stop: 'docker stop', details: 'zombie-audit <container>; finding ids: zombie-audit explain <ID>' };

/** The --all summary: one row per container, then what was skipped or failed. */
export async function renderScanHuman(raw: ScanReport, style: Style, words: Partial<ScanWords> = {}): Promise<string> {
  const w0: ScanWords = { ...DOCKER_WORDS, readBy: `read by ${raw.method}`, ...words };
  const report = escapeStrings(raw);
  const out: string[] = [];
  const { default: Table } = await import('cli-table3');
  const t = new Table({
    head: [w0.container, 'PID 1', 'kind', 'zombies', 'TERM', w0.stop, 'findings'],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: style.color ? ['bold'] : [], border: style.color ? ['grey'] : [] },
  });
  for (const r of report.containers) {
    const w = worst(r);
    t.push([r.container.name, r.pid1.name, r.pid1.kind, r.processes.zombies ? style.red(String(r.processes.zombies)) : '0',
      r.pid1.signals.TERM, r.stop.outcome === 'killed' ? style.red(`killed after ${r.stop.timeoutSeconds} s`) : r.stop.outcome,
      r.findings.length ? `${w ? style.sev(w).trim() : ''} ${r.findings.map((f) => f.id).join(' ')}` : style.green('none')]);
  }
  out.push(`${report.containers.length} container${report.containers.length === 1 ? "" : "s"} audited (${w0.readBy})\n${t.toString()}\n`);
  for (const f of report.skipped) out.push(style.dim(`skipped ${f.container}: ${f.message}\n`));
  for (const f of report.failures) out.push(style.red(`failed ${f.container}: ${f.message}\n`));
  out.push(`details: ${w0.details}\n`);
  return out.join('');
}
