/**
 * Work that must run however the process ends (Ctrl-C included): removing a helper container,
 * a sandbox, a temporary file. Commands register undo steps here; the CLI runs them on SIGINT,
 * SIGTERM and on normal completion, each once.
 */
type Step = () => Promise<unknown> | unknown;
const steps = new Set<Step>();
let installed = false;

export function onCleanup(step: Step): () => void {
  steps.add(step);
  install();
  return () => steps.delete(step);
}

export async function runCleanup(): Promise<void> {
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
    process.once(sig, () => {
      process.stderr.write(`\nzombie-audit: ${sig}: cleaning up…\n`);
      void runCleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}
