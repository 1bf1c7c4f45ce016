import { label } from '../identify.js';
import type { AuditRule } from './rule.js';
import { where } from './rule.js';

/** A shell is PID 1. */
export const ZA202: AuditRule = {
  meta: { id: 'ZA202', severity: 'warning', title: 'A shell is PID 1: it neither forwards signals to the app nor reaps like an init',
    doc: 'docs/findings/ZA202.md', fix: 'use the exec form (CMD ["app", "arg"]), `exec` the last command of the script, or put an init in front' },
  check({ report: r, pid1 }) {
    if (r.pid1.kind !== 'shell') return [];
    return [{ id: 'ZA202', severity: 'warning', location: where(r, 1),
      message: `a shell is PID 1 (${label(pid1)}): signals do not reach the app and orphans are not reaped like an init would`,
      evidence: [`PID 1 argv: ${JSON.stringify(pid1.argv ?? [pid1.comm])}`],
      fix: 'use the exec form (CMD ["app", "arg"]), `exec` the last command of the script, or put an init in front' }];
  },
};
