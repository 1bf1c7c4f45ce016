import { arg0, type Runtime } from './types.js';

/** memcached as PID 1: TERM and INT end it with exit 0. No SIGCHLD handler: orphans stay zombies. */
export const memcached: Runtime = {
  id: 'memcached', name: 'memcached', kind: 'app', versions: 'memcached 1.6 (read from its source; reaping seen on Debian bookworm)',
  evidence: 'source',
  match: (p) => arg0(p) === 'memcached' && p.comm === 'memcached',
  signals: {
    TERM: { outcome: 'graceful', exitCode: 0, does: 'stops, exit 0' },
    INT: { outcome: 'graceful', exitCode: 0, does: 'stops, exit 0' },
  },
  reaps: 'no', reapNote: 'no SIGCHLD handler: orphans stay zombies',
  readySeconds: 1,
};
