import type { Runtime } from './types.js';

/**
 * nginx's master as PID 1 (`nginx -g 'daemon off;'`). It rewrites argv to "nginx: master
 * process nginx -g daemon off;". TERM and INT: fast shutdown, exit 0. QUIT: graceful shutdown
 * (workers finish their connections), exit 0. HUP: reloads the configuration. Its SIGCHLD
 * handler reaps every child (waitpid(-1)).
 */
export const nginx: Runtime = {
  id: 'nginx', name: 'nginx', kind: 'app', versions: 'nginx 1.x (seen: Debian bookworm nginx 1.22)',
  evidence: 'measured', proof: 'test/runtimes/daemons.test.ts',
  match: (p) => p.comm === 'nginx' && /^(?:\S*\/)?nginx(?:$|: master process)/.test(p.argv?.[0] ?? ''),
  signals: {
    TERM: { outcome: 'graceful', exitCode: 0, does: 'fast shutdown, exit 0 (STOPSIGNAL SIGQUIT lets connections finish)' },
    INT: { outcome: 'graceful', exitCode: 0, does: 'fast shutdown, exit 0' },
    QUIT: { outcome: 'graceful', exitCode: 0, does: 'graceful shutdown: workers finish their connections, exit 0' },
    HUP: { outcome: 'killed', does: 'reloads the configuration; keeps running' },
  },
  reaps: 'yes', reapNote: 'its SIGCHLD handler reaps every child (waitpid(-1))',
  readySeconds: 1,
};
