import { pythonRuns, type Runtime } from './types.js';

/**
 * gunicorn's arbiter as PID 1. TERM: graceful shutdown (workers finish their requests, up to
 * --graceful-timeout, 30 s), exit 0. INT and QUIT: quick shutdown. HUP: reload (keeps running).
 * Its SIGCHLD handler reaps with waitpid(-1): orphans are reaped.
 */
export const gunicorn: Runtime = {
  id: 'gunicorn', name: 'gunicorn', kind: 'app', versions: 'gunicorn 19-21 (seen: Debian bookworm python3-gunicorn 20.1)',
  // recognized and its masks captured here; its stop was not proven: on a machine at load 68 the real
  // docker stop ended in 137 after the grace period (engine answering in 30 s), not reproducible in time
  evidence: 'source',
  match: (p) => pythonRuns(p, ['gunicorn']),
  signals: {
    TERM: { outcome: 'graceful', exitCode: 0, does: 'graceful shutdown: workers finish (up to --graceful-timeout), exit 0' },
    INT: { outcome: 'graceful', exitCode: 0, does: 'quick shutdown, exit 0' },
    QUIT: { outcome: 'graceful', exitCode: 0, does: 'quick shutdown, exit 0' },
    HUP: { outcome: 'killed', does: 'reloads the configuration and workers; keeps running' },
  },
  reaps: 'yes', reapNote: 'its SIGCHLD handler reaps every child (waitpid(-1))',
  readySeconds: 2,
};
