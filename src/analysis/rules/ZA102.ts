import { label } from '../identify.js';
import type { AuditRule } from './rule.js';
import { plural, where } from './rule.js';

/** Zombies held by a live process (not PID 1) that never waits for them, or by an exec's shim. */
export const ZA102: AuditRule = {
  meta: { id: 'ZA102', severity: 'warning', title: 'Zombies whose parent is a live process that never waits for them',
    doc: 'docs/findings/ZA102.md', fix: 'fix the parent: wait for its children (waitpid, a SIGCHLD handler, subprocess.wait())' },
  check({ report: r, snap }) {
    return r.zombieParents.filter((g) => g.ppid !== 1).map((g) => {
      const ev = [`${plural(g.count, 'zombie')} with parent pid ${g.ppid} (${g.parentName})` + (g.oldestSeconds !== undefined ? `, the oldest started ${g.oldestSeconds} s ago` : '')];
      if (g.ppid === 0) {
        return { id: 'ZA102', severity: 'warning' as const, location: where(r),
          message: `${plural(g.count, 'zombie')} whose parent is outside the container (an exec's engine shim)`,
          evidence: ev, fix: 'they are reaped when the engine collects the exec; if they stay, restart the engine shim' };
      }
      const parent = snap.procs.get(g.ppid);
      ev.push(`pid ${g.ppid} is alive (${parent ? label(parent) : '?'}) and has not waited for them; no init can reap them while it lives`);
      return { id: 'ZA102', severity: 'warning' as const, location: where(r, g.ppid),
        message: `${plural(g.count, 'zombie')} held by pid ${g.ppid} (${g.parentName}), which never waits for its children`,
        evidence: ev, fix: `fix ${g.parentName}: wait for its children (waitpid, a SIGCHLD handler, subprocess.wait()); when it exits they pass to PID 1, which reaps them only if it is an init` };
    });
  },
};
