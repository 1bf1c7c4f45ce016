import { arg0, type Runtime } from './types.js';

/**
 * Node.js as PID 1 (`CMD ["node", "server.js"]`). Node installs a native TERM/INT handler at
 * start whether or not the program listens: it restores the terminal, resets the handler and
 * re-raises the signal with the default action, which the kernel drops for PID 1. So the TERM
 * bit in SigCgt means "a JS listener, or nothing at all": the masks cannot tell. libuv waits
 * only for the children it spawned: orphans stay zombies.
 */
export const node: Runtime = {
  id: 'node', name: 'node', kind: 'app', versions: 'Node.js 12-22 (seen: Debian bookworm nodejs 18.19)',
  evidence: 'measured', proof: 'test/runtimes/node.test.ts',
  match: (p) => ['node', 'nodejs'].includes(arg0(p)) && (p.comm === 'node' || p.comm === 'nodejs' || p.comm === 'MainThread'),
  signals: {
    TERM: { outcome: 'unknown', does: 'caught natively to re-raise it (dropped for PID 1: docker stop kills, 137) unless the program listens with process.on(\'SIGTERM\')' },
    INT: { outcome: 'unknown', does: 'same as TERM: re-raised (dropped for PID 1) unless a process.on(\'SIGINT\') listener' },
    HUP: { outcome: 'unknown', does: 'only a process.on(\'SIGHUP\') listener catches it' },
    QUIT: { outcome: 'unknown', does: 'only a process.on(\'SIGQUIT\') listener catches it' },
  },
  reaps: 'no', reapNote: 'libuv waits only for its own children (waitpid on their pids): an orphan handed to node stays a zombie, even though SigCgt shows CHLD',
  readySeconds: 1,
};
