/**
 * Work that must run however the process ends (Ctrl-C included): removing a helper container,
 * a sandbox, a temporary file. Commands register undo steps here; the CLI runs them on SIGINT,
 * SIGTERM and on normal completion, each once.
 *
 * A multi-step change (fix --recreate) is not undone from a signal handler: it runs under
 * guard(). A signal then only marks the run interrupted; the change sees it between two steps
 * (the step in flight is never cut), rolls back itself and reports every failure of the
 * rollback; the process exits when every guarded change has settled. What SIGKILL leaves is
 * found by the next run of any command (housekeeping(): the journal and the owner labels).
 */
type Step = () => Promise<unknown> | unknown;
const steps = new Set<Step>();
const guards = new Set<Promise<unknown>>();
const chores = new Set<Promise<unknown>>();
let installed = false;
let signalled: NodeJS.Signals | undefined;

export function onCleanup(step: Step): () => void {
  steps.add(step);
  install();
  return () => steps.delete(step);
}

/** The signal that interrupted this run, if any: guarded changes check it between steps. */
export function interrupted(): NodeJS.Signals | undefined {
  return signalled;
}

/** Run a multi-step change so that a signal waits for it (it rolls back on interrupted()). */
export function guard<T>(p: Promise<T>): Promise<T> {
  install();
  guards.add(p);
  const done = (): void => { guards.delete(p); };
  p.then(done, done);
  return p;
}

export async function runCleanup(): Promise<void> {
  await Promise.allSettled([...chores]);
  const all = [...steps].reverse();
  steps.clear();
  for (const s of all) {
    try { await s(); } catch { /* best effort: keep undoing the rest */ }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (signalled) {
        process.stderr.write(`\nzombie-audit: ${sig} again: still ${guards.size ? 'finishing the step in flight and rolling back' : 'cleaning up'}…\n`);
        return;
      }
      signalled = sig;
      process.stderr.write(`\nzombie-audit: ${sig}: ${guards.size ? 'waiting for the step in flight, then rolling back' : 'cleaning up'}…\n`);
      void Promise.allSettled([...guards])
        .then(() => runCleanup())
        .finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}

/** Background work of this run (housekeeping) that runCleanup() waits for. */
export function addChore(p: Promise<unknown>): void {
  chores.add(p);
  void p.finally(() => chores.delete(p));
}
