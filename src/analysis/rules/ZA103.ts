import type { AuditRule } from './rule.js';
import { where } from './rule.js';

/** The container is close to its PID limit. */
export const ZA103: AuditRule = {
  meta: { id: 'ZA103', severity: 'warning', title: 'The container is close to its PID limit: it will soon fail to fork',
    doc: 'docs/findings/ZA103.md', fix: 'reap the zombies (see ZA101/ZA102); raise --pids-limit only after the leak is fixed' },
  check({ report: r }) {
    if (r.pids.max === undefined || r.pids.current === undefined) return [];
    const used = r.pids.current / r.pids.max;
    if (used < 0.75) return [];
    return [{ id: 'ZA103', severity: used >= 0.9 ? 'error' : 'warning', location: where(r),
      message: `${r.pids.current} of ${r.pids.max} PIDs in use (${Math.round(used * 100)}%): the container will soon fail to fork`,
      evidence: [`${r.pids.source}: current ${r.pids.current}, max ${r.pids.max}`, `${r.processes.zombies} zombies hold PIDs`],
      fix: 'reap the zombies (see ZA101/ZA102); raise --pids-limit only after the leak is fixed' }];
  },
};
