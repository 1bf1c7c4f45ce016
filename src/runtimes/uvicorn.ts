import { pythonRuns, type Runtime } from './types.js';

/**
 * uvicorn as PID 1. It handles INT and TERM: stops accepting, finishes in-flight requests and
 * exits 0. No SIGCHLD handler, and it waits only for its own workers: orphans stay zombies.
 */
export const uvicorn: Runtime = {
  id: 'uvicorn', name: 'uvicorn', kind: 'app', versions: 'uvicorn 0.17-0.30 (read from its source; reaping seen on Debian bookworm)',
  evidence: 'source',
  match: (p) => pythonRuns(p, ['uvicorn']),
  signals: {
    TERM: { outcome: 'graceful', exitCode: 0, does: 'finishes in-flight requests, exit 0' },
    INT: { outcome: 'graceful', exitCode: 0, does: 'as TERM' },
  },
  reaps: 'no', reapNote: 'no SIGCHLD handler; it waits only for its own workers',
  readySeconds: 2,
};
