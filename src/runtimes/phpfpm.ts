import { arg0, type Runtime } from './types.js';

/**
 * php-fpm's master as PID 1 (`php-fpm -F`). It rewrites its argv to "php-fpm: master process
 * (CONF)"; comm stays php-fpmX.Y. TERM and INT: fast shutdown, exit 0; QUIT: graceful shutdown
 * (waits for requests); USR2 reloads. Its SIGCHLD handler reaps every child.
 */
export const phpfpm: Runtime = {
  id: 'php-fpm', name: 'php-fpm', kind: 'app', versions: 'PHP 7.4-8.3 (read from its source; reaping seen on Debian bookworm php8.2-fpm)',
  evidence: 'source',
  match: (p) => /^php-fpm[\d.]*$/.test(p.comm) && (arg0(p).startsWith('php-fpm') || (p.argv?.[0] ?? '').startsWith('php-fpm: master process')),
  signals: {
    TERM: { outcome: 'graceful', exitCode: 0, does: 'fast shutdown of the pool, exit 0' },
    INT: { outcome: 'graceful', exitCode: 0, does: 'fast shutdown of the pool, exit 0' },
    QUIT: { outcome: 'graceful', exitCode: 0, does: 'graceful shutdown: waits for running requests' },
  },
  reaps: 'yes', reapNote: 'its SIGCHLD handler reaps every child',
  readySeconds: 1,
};
