import type { Runtime } from './types.js';

/**
 * OpenSSH's sshd as PID 1 (`sshd -D`). It rewrites argv ("sshd: /usr/sbin/sshd -D [listener] ...").
 * TERM: logs "Received signal 15; terminating." and exits 255 (its normal end on a signal).
 * HUP: re-executes itself. Its SIGCHLD handler reaps every child.
 */
export const sshd: Runtime = {
  id: 'sshd', name: 'sshd', kind: 'app', versions: 'OpenSSH 7-9 (read from its source; reaping seen on Debian bookworm)',
  evidence: 'source',
  match: (p) => p.comm === 'sshd' && /^(?:\S*\/)?sshd(?:$|:)/.test(p.argv?.[0] ?? ''),
  signals: {
    TERM: { outcome: 'graceful', exitCode: 255, byDesign: true, does: 'terminates its listener, exit 255 by design; sessions are separate processes, killed with the namespace' },
    HUP: { outcome: 'killed', does: 're-executes itself; keeps running' },
  },
  reaps: 'yes', reapNote: 'its SIGCHLD handler reaps every child',
  readySeconds: 1,
};
