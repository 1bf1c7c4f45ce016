import { arg0, type Runtime } from './types.js';

/**
 * Debian's cron (Vixie cron) in the foreground as PID 1 (`cron -f`). It catches no TERM: as
 * PID 1 the kernel drops it and docker stop kills (137). Its SIGCHLD handler reaps every child.
 */
export const cron: Runtime = {
  id: 'cron', name: 'cron', kind: 'app', versions: 'Debian cron 3.0pl1 (seen: bookworm)',
  evidence: 'measured', proof: 'test/runtimes/more.test.ts',
  match: (p) => ['cron', 'crond'].includes(arg0(p)) && ['cron', 'crond'].includes(p.comm),
  signals: {},
  reaps: 'yes', reapNote: 'its SIGCHLD handler reaps every child',
  readySeconds: 1,
};
