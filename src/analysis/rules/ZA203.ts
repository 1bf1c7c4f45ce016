import { hasSignal } from '../../proc/status.js';
import type { AuditRule } from './rule.js';
import { INIT_FIX, where } from './rule.js';

/**
 * PID 1 is an application that leaves orphans as zombies: known not to reap (node, npm, the
 * JVM, redis...), or with no SIGCHLD handler and not known to poll.
 */
export const ZA203: AuditRule = {
  meta: { id: 'ZA203', severity: 'warning', title: 'PID 1 is an application with no SIGCHLD handler: orphans handed to it may stay zombies',
    doc: 'docs/findings/ZA203.md', fix: INIT_FIX },
  check({ report: r, pid1, runtime }) {
    if (r.pid1.kind !== 'app' || r.zombieParents.some((g) => g.ppid === 1)) return [];
    const chld = !!pid1.status && hasSignal(pid1.status.sigCgt, 17);
    if (r.pid1.reapsChildren === 'no' && runtime) {
      return [{ id: 'ZA203', severity: 'warning', location: where(r, 1),
        message: `PID 1 (${runtime.name}) does not reap orphans: any process it is handed stays a zombie`,
        evidence: [`${runtime.name}: ${runtime.reapNote}`, `known from ${runtime.evidence === 'measured' ? `a real orphan (${runtime.proof ?? 'test/runtimes'})` : `its source (${runtime.versions})`}`],
        fix: INIT_FIX }];
    }
    if (r.pid1.reapsChildren !== 'unknown' || chld) return [];
    return [{ id: 'ZA203', severity: 'warning', location: where(r, 1),
      message: `PID 1 (${r.pid1.name}) is an application with no SIGCHLD handler: orphans handed to it may never be reaped`,
      evidence: [`SigCgt ${pid1.status?.sigCgt.toString(16) ?? '?'}: SIGCHLD not caught`, 'no zombies yet; `zombie-audit probe` proves it'],
      fix: INIT_FIX }];
  },
};
