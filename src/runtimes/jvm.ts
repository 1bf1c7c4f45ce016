import { arg0, type Runtime } from './types.js';

/**
 * A JVM (OpenJDK) as PID 1. HotSpot catches TERM, INT and HUP, runs the shutdown hooks and
 * exits 128+n: 143 after TERM is its normal end, not a crash (hooks ran). QUIT prints a thread
 * dump and keeps running. With -Xrs it installs none of these (the masks then say dropped).
 * It waits only for the processes it started (ProcessBuilder): orphans stay zombies.
 */
export const jvm: Runtime = {
  id: 'jvm', name: 'java (JVM)', kind: 'app', versions: 'OpenJDK 8-21 (seen: Debian bookworm openjdk-17)',
  evidence: 'measured', proof: 'test/runtimes/jvm.test.ts',
  match: (p) => arg0(p) === 'java' && p.comm === 'java',
  signals: {
    TERM: { outcome: 'graceful', exitCode: 143, byDesign: true, does: 'runs the shutdown hooks, then exits 143 (128+15) by design' },
    INT: { outcome: 'graceful', exitCode: 130, byDesign: true, does: 'runs the shutdown hooks, then exits 130 by design' },
    HUP: { outcome: 'graceful', exitCode: 129, byDesign: true, does: 'runs the shutdown hooks, then exits 129 by design' },
    QUIT: { outcome: 'killed', does: 'prints a thread dump and keeps running' },
  },
  reaps: 'no', reapNote: 'the JVM waits only for the processes it started: orphans stay zombies',
  readySeconds: 2,
};
