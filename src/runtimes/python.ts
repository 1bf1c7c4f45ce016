import { arg0, type Runtime } from './types.js';

/**
 * Plain CPython as PID 1 (`python3 app.py`). CPython catches only INT (KeyboardInterrupt);
 * TERM is the program's business: with no handler it is dropped for PID 1. A handler the
 * program installs is its own code: the masks cannot say what it does. It waits only for the
 * children it started (subprocess): orphans stay zombies unless the program calls os.wait().
 */
export const python: Runtime = {
  id: 'python', name: 'python', kind: 'app', versions: 'CPython 3.8-3.12 (seen: Debian bookworm python3.11)',
  evidence: 'measured', proof: 'test/runtimes/more.test.ts',
  match: (p) => /^python[\d.]*$/.test(arg0(p)) && /^python/.test(p.comm),
  signals: {
    TERM: { outcome: 'unknown', does: 'the program installed a handler: what it does is its own code' },
    INT: { outcome: 'unknown', does: 'KeyboardInterrupt in the main thread: the program may catch it' },
    HUP: { outcome: 'unknown', does: 'the program installed a handler' },
    QUIT: { outcome: 'unknown', does: 'the program installed a handler' },
  },
  reaps: 'unknown', reapNote: 'CPython waits only for the children it started; whether the program reaps others is its own code',
  readySeconds: 1,
};
