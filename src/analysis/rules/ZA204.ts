import { label } from '../identify.js';
import type { AuditRule } from './rule.js';
import { stopReason, where } from './rule.js';

/** An init forwards the stop signal, but the app ignores it: docker stop kills. */
export const ZA204: AuditRule = {
  meta: { id: 'ZA204', severity: 'error', title: 'The init forwards the stop signal, but the app ignores it: docker stop kills it (exit 137)',
    doc: 'docs/findings/ZA204.md', fix: 'make the app handle the stop signal (or set STOPSIGNAL to one it handles)' },
  check({ report: r, pid1 }) {
    if (r.stop.outcome !== 'killed' || r.pid1.kind !== 'init') return [];
    return [{ id: 'ZA204', severity: 'error', location: where(r, 1), message: r.stop.summary,
      evidence: [`PID 1: ${label(pid1)}`, `${r.stop.signal}: ${stopReason(r, pid1)}`, `stop timeout ${r.stop.timeoutSeconds} s`],
      fix: `make the app handle ${r.stop.signal} (or set STOPSIGNAL to one it handles)` }];
  },
};
