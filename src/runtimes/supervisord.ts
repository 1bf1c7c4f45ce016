import { pythonRuns, type Runtime } from './types.js';

/**
 * supervisord as PID 1 (`supervisord -n`). TERM, INT and QUIT: stops every program with its
 * stopsignal, waits up to each one's stopwaitsecs, exit 0. HUP: reload. It reaps every child in
 * its SIGCHLD handling. It installs its handlers about a second after it starts: signalled
 * earlier, as PID 1, it drops TERM.
 */
export const supervisord: Runtime = {
  id: 'supervisord', name: 'supervisord', kind: 'init', forwards: true,
  versions: 'supervisor 3-4 (seen: Debian bookworm supervisor 4.2)', evidence: 'measured', proof: 'test/runtimes/daemons.test.ts',
  match: (p) => pythonRuns(p, ['supervisord']),
  signals: {
    TERM: { outcome: 'graceful', exitCode: 0, does: 'stops every program with its stopsignal (up to stopwaitsecs each), exit 0' },
    INT: { outcome: 'graceful', exitCode: 0, does: 'as TERM' },
    QUIT: { outcome: 'graceful', exitCode: 0, does: 'as TERM' },
    HUP: { outcome: 'killed', does: 'reloads its configuration; keeps running' },
  },
  reaps: 'polling', reapNote: 'reaps every child (waitpid(-1)) in its main loop, which wakes about once a second: orphans are reaped up to ~1 s late (600-1000 ms seen)',
  readySeconds: 2,
};
