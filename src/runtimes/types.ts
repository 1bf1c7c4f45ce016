import type { Proc } from '../proc/snapshot.js';

/** The signals the audit reports on. */
export type SignalKey = 'TERM' | 'INT' | 'HUP' | 'QUIT';

/**
 * What `docker stop` (the stop signal, then SIGKILL after the grace period) ends in:
 * - graceful: the program acts on the signal and finishes its shutdown (exit 0, or a code it exits with by design)
 * - signal-exit: the container stops at once, but nothing drains: the app dies of the signal (128+n),
 *   or PID 1 exits and the kernel SIGKILLs the app with the namespace
 * - killed: nothing acts on it; docker stop waits the grace period and SIGKILLs (137)
 * - unknown: the masks cannot tell; `zombie-audit probe` finds out
 */
export type StopOutcome = 'graceful' | 'signal-exit' | 'killed' | 'unknown';

export type Reaping = 'yes' | 'polling' | 'no' | 'unknown';

/** What a runtime does with one signal, as PID 1, when the signal reaches it. */
export interface SignalFact {
  /** the stop outcome when this is the stop signal (reload-type signals: the program keeps running, so `killed`) */
  outcome: StopOutcome;
  /** the exit code it ends with, where known */
  exitCode?: number;
  /** the exit code is the runtime's normal one after a clean shutdown (JVM: 143 after its hooks ran) */
  byDesign?: boolean;
  /** one line: what it does */
  does: string;
}

/** What the analysis knows about the process it asks about. */
export interface MatchContext {
  /** all processes of the container (for runtimes whose verdict depends on their children) */
  procs: readonly Proc[];
}

export interface Runtime {
  /** a stable id (`node`, `jvm`, ...) */
  id: string;
  /** the name the report uses */
  name: string;
  kind: 'init' | 'shell' | 'app';
  /** the versions the facts were seen on or read from */
  versions: string;
  /** how we know: measured on the real program in test/runtimes, or read from its source */
  evidence: 'measured' | 'source';
  /** the test that proves it (test/runtimes/...), when measured */
  proof?: string;
  /**
   * Whether `p` is this runtime. By the executable's path or name in argv[0] (or, for scripts,
   * argv[1]) AND the kernel's comm, which it sets from the executed file: never by one name alone.
   */
  match(p: Proc): boolean;
  /** what it does with each audited signal when it reaches it (a handler is installed) */
  signals: Partial<Record<SignalKey, SignalFact>>;
  /**
   * A verdict that depends on more than the signal (postgres with clients connected, node's
   * listener): return undefined to use `signals`.
   */
  refine?(sig: SignalKey, p: Proc, ctx: MatchContext): SignalFact | undefined;
  /** whether it reaps orphans handed to it */
  reaps: Reaping;
  reapNote: string;
  /** for inits: passes signals on to its child */
  forwards?: boolean;
  /** seconds after its start before it has installed its handlers and started its work (the sandbox waits at least that long) */
  readySeconds: number;
}

const base = (s: string): string => s.slice(s.lastIndexOf('/') + 1);
export { base as basename };

/** argv[0]'s basename ('' when argv is unreadable). */
export function arg0(p: Proc): string {
  return p.argv?.[0] ? base(p.argv[0]) : '';
}

/** The script an interpreter runs: the first argument that is not an option. */
export function script(p: Proc): string | undefined {
  const a = p.argv ?? [];
  for (let i = 1; i < a.length; i++) {
    if (a[i] === '-m' && a[i + 1]) return a[i + 1];
    if (!a[i].startsWith('-')) return a[i];
  }
  return undefined;
}

/** comm (15 bytes at most) agrees with `name`. */
export function commIs(p: Proc, name: string): boolean {
  return p.comm === name.slice(0, 15);
}

/** Python runs `script` (by path, as `python3 /usr/bin/gunicorn`, or as the shebang'd script itself). */
export function pythonRuns(p: Proc, names: readonly string[]): boolean {
  const a0 = arg0(p);
  const py = /^python[\d.]*$/.test(a0);
  if (py) {
    const s = script(p);
    return s !== undefined && names.includes(base(s)) && (names.includes(p.comm) || /^python/.test(p.comm));
  }
  // argv rewritten by setproctitle, or the script exec'd through its shebang
  return names.some((n) => commIs(p, n)) && names.some((n) => a0 === n || a0.startsWith(n + ':') || a0.startsWith(n + ' '));
}
