import { label } from '../identify.js';
import type { AuditRule } from './rule.js';
import { INIT_FIX, stopReason, where } from './rule.js';

/** PID 1 (not an init) drops or ignores the stop signal: docker stop waits and kills. */
export const ZA201: AuditRule = {
  meta: { id: 'ZA201', severity: 'error', title: 'PID 1 drops the stop signal: docker stop waits out the grace period and kills (exit 137)',
    doc: 'docs/findings/ZA201.md', fix: `handle the stop signal in the app, or ${INIT_FIX}` },
  check({ report: r, pid1 }) {
    if (r.stop.outcome !== 'killed' || r.pid1.kind === 'init') return [];
    return [{ id: 'ZA201', severity: 'error', location: where(r, 1), message: r.stop.summary,
      evidence: [`PID 1: ${label(pid1)}`, `${r.stop.signal}: ${stopReason(r, pid1)}`, `stop timeout ${r.stop.timeoutSeconds} s`],
      fix: `handle ${r.stop.signal} in the app, or ${INIT_FIX}` }];
  },
};
