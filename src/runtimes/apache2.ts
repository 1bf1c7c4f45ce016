import { arg0, type Runtime } from './types.js';

/**
 * apache2 / httpd as PID 1 (`apache2 -DFOREGROUND`, `httpd-foreground`). TERM and INT: stop
 * (children killed at once), exit 0. HUP: restart; USR1 / WINCH: graceful restart / stop. It has
 * no SIGCHLD handler: its maintenance loop reaps every child, orphans included, by polling about
 * once a second (60-1020 ms here), so an orphan is a zombie for up to a second.
 */
export const apache2: Runtime = {
  id: 'apache2', name: 'apache2', kind: 'app', versions: 'Apache httpd 2.4 (seen: Debian bookworm apache2 2.4.62)',
  evidence: 'measured', proof: 'test/runtimes/daemons.test.ts',
  match: (p) => ['apache2', 'httpd'].includes(arg0(p)) && ['apache2', 'httpd'].includes(p.comm),
  signals: {
    TERM: { outcome: 'graceful', exitCode: 0, does: 'stops (children killed at once), exit 0; WINCH (graceful-stop) lets requests finish' },
    INT: { outcome: 'graceful', exitCode: 0, does: 'as TERM' },
    HUP: { outcome: 'killed', does: 'restarts; keeps running' },
  },
  reaps: 'polling', reapNote: 'no SIGCHLD handler: its maintenance loop reaps every child by polling, within about a second',
  readySeconds: 1,
};
