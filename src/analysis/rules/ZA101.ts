import type { AuditRule } from './rule.js';
import { INIT_FIX, plural, where } from './rule.js';

/** Zombies whose parent is PID 1: PID 1 does not reap what it is handed. */
export const ZA101: AuditRule = {
  meta: { id: 'ZA101', severity: 'error', title: 'Zombies whose parent is PID 1: PID 1 does not reap the processes it is handed',
    doc: 'docs/findings/ZA101.md', fix: INIT_FIX },
  check({ report: r, runtime }) {
    const g = r.zombieParents.find((x) => x.ppid === 1);
    if (!g) return [];
    const polling = runtime?.reaps === 'polling';
    const ev = [`${plural(g.count, 'zombie')} with parent pid 1 (${g.parentName})` + (g.oldestSeconds !== undefined ? `, the oldest started ${g.oldestSeconds} s ago` : ''),
      `PID 1 is ${r.pid1.name} (${r.pid1.kind})`];
    if (polling) ev.push(`${runtime!.name} reaps by polling (${runtime!.reapNote}): audit again in a few seconds; only zombies that stay are a leak`);
    return [{ id: 'ZA101', severity: polling ? 'warning' : 'error', location: where(r, 1),
      message: `${plural(g.count, 'zombie')} left unreaped by PID 1 (${r.pid1.name})`, evidence: ev,
      fix: r.pid1.kind === 'init' ? `${r.pid1.name} should reap them: check that it really runs as PID 1 or as a subreaper` : `${INIT_FIX}; or make PID 1 call wait() for every child` }];
  },
};
