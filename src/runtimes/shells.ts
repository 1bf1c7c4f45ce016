import type { Proc } from '../proc/snapshot.js';
import { arg0, basename, script, type Runtime, type SignalFact } from './types.js';

const TRAP: SignalFact = { outcome: 'unknown', does: 'caught: the script set a trap; what the trap does is the script\'s own code' };

/**
 * The shell by argv[0], and comm agreeing: the shell's own name, or, for a script run through its
 * shebang (`#!/bin/bash` in /app/service.sh), the script's name, which the kernel gives as comm.
 */
function shellMatch(names: readonly string[]) {
  return (p: Proc): boolean => {
    if (!names.includes(arg0(p))) return false;
    if (names.includes(p.comm)) return true;
    const s = script(p);
    return s !== undefined && p.comm === basename(s).slice(0, 15);
  };
}

/**
 * bash as PID 1 (a service script, `bash -c "..."`). Non-interactive bash catches INT and CHLD
 * (and QUIT is ignored): TERM is dropped unless the script traps it, and then the trap decides.
 * bash 5 execs a lone simple command, and the last one of `a && b`. It reaps any child it sees
 * exit (waitpid(-1)) while it waits, which is what a service script does most of the time.
 */
export const bash: Runtime = {
  id: 'bash', name: 'bash', kind: 'shell', versions: 'bash 5.x (seen: Debian bookworm bash 5.2)',
  evidence: 'measured', proof: 'test/runtimes/daemons.test.ts',
  match: shellMatch(['bash']),
  signals: { TERM: TRAP, INT: TRAP, HUP: TRAP, QUIT: TRAP },
  reaps: 'unknown', reapNote: 'bash reaps any child that exits while it waits (wait, or a foreground command); not while it runs a builtin loop',
  readySeconds: 0,
};

/**
 * dash as PID 1 (Debian's /bin/sh: a shell-form CMD). It never execs even a lone command
 * (`sh -c 'app'` leaves sh as PID 1). TERM is dropped unless trapped.
 */
export const dash: Runtime = {
  id: 'dash', name: 'dash', kind: 'shell', versions: 'dash 0.5.12 (Debian bookworm /bin/sh)', evidence: 'source',
  match: (p) => shellMatch(['dash', 'sh'])(p) && p.comm !== 'busybox',
  signals: { TERM: TRAP, INT: TRAP, HUP: TRAP, QUIT: TRAP },
  reaps: 'unknown', reapNote: 'reaps children only while it waits for a job',
  readySeconds: 0,
};

/** busybox ash as PID 1 (Alpine's /bin/sh): it execs a lone simple command. TERM dropped unless trapped. */
export const busyboxSh: Runtime = {
  id: 'busybox-sh', name: 'busybox sh', kind: 'shell', versions: 'busybox 1.3x', evidence: 'source',
  match: (p) => (arg0(p) === 'busybox' && ['sh', 'ash'].includes(p.argv?.[1] ?? '')) || (['sh', 'ash'].includes(arg0(p)) && p.comm === 'busybox'),
  signals: { TERM: TRAP, INT: TRAP, HUP: TRAP, QUIT: TRAP },
  reaps: 'unknown', reapNote: 'reaps children only while it waits for a job',
  readySeconds: 0,
};
