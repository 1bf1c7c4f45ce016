import type { Finding, Severity } from '../../findings/model.js';
import type { Proc, Snapshot } from '../../proc/snapshot.js';
import type { Runtime } from '../../runtimes/index.js';
import type { AuditReport } from '../report.js';
import { disposition, signalNumber } from '../signals.js';

/** What every audit rule sees: the analysed container. */
export interface RuleContext {
  report: AuditReport;
  pid1: Proc;
  snap: Snapshot;
  runtime?: Runtime;
}

/** One finding id, eslint-style: its metadata and its check. */
export interface AuditRule {
  meta: {
    id: string;
    severity: Severity;
    title: string;
    /** the doc page, relative to the package root */
    doc: string;
    /** the usual fix, one line */
    fix: string;
  };
  check(ctx: RuleContext): Finding[];
}

export const INIT_FIX = 'put an init in front of the app: `docker run --init`, tini or dumb-init as ENTRYPOINT, or `zombie-audit fix`';

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function where(r: AuditReport, pid?: number): Finding['location'] {
  return pid === undefined ? { container: r.container.name } : { container: r.container.name, pid };
}

/** Why PID 1 does what it does with the stop signal (the audited four, or any other). */
export function stopReason(r: AuditReport, pid1: Proc): string {
  const short = r.stop.signal.replace(/^SIG/, '');
  if (short in r.pid1.signalReasons) return r.pid1.signalReasons[short as keyof AuditReport['pid1']['signalReasons']];
  return disposition(pid1, signalNumber(r.stop.signal) ?? 15, { pid1: true, forwards: r.pid1.kind === 'init' }).reason;
}
