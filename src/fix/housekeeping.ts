import { ZaError } from '../engine/errors.js';
import { addChore } from '../cleanup.js';
import type { Engine } from '../engine/client.js';
import { listOwned, staleReason, type OwnedContainer } from '../engine/owner.js';
import { escapeText } from '../render/escape.js';
import { JOURNAL_LABEL, recoverJournal } from './journal.js';

export interface SweepResult {
  removed: Array<{ id: string; name: string; why: string }>;
  failed: Array<{ id: string; name: string; error: string }>;
  /** unfinished operations found in the journal and what was done about them */
  recovered: string[];
}

/**
 * Remove the tool's own leftovers: every container with the owner label whose owner is gone or
 * whose expiry passed (`all`: every one of them, whoever owns it: what `zombie-audit doctor
 * --clean` calls), and finish or roll back every unfinished operation in the journal whose owner
 * is gone. One list call when there is nothing to do. Never touches a container without the
 * tool's owner label.
 */
export async function sweep(engine: Engine, opts: { all?: boolean } = {}): Promise<SweepResult> {
  const res: SweepResult = { removed: [], failed: [], recovered: [] };
  const owned = await listOwned(engine);
  const journal = owned.filter((c) => c.Labels?.[JOURNAL_LABEL]);
  if (journal.length) res.recovered.push(...(await recoverJournal(engine, journal, { all: !!opts.all })));
  const stale = owned.filter((c) => !c.Labels?.[JOURNAL_LABEL]).map((c) => ({ c, why: opts.all ? 'doctor --clean' : staleReason(c) }))
    .filter((x): x is { c: OwnedContainer; why: string } => x.why !== undefined);
  await Promise.all(stale.map(async ({ c, why }) => {
    const name = (c.Names?.[0] ?? '').replace(/^\//, '');
    const r = await engine.request('DELETE', `/containers/${c.Id}`, { query: { force: 1, v: 1 }, timeoutMs: 30_000 }).catch((e: Error) => ({ status: 0, body: Buffer.from(e.message) }));
    if (r.status < 300 || r.status === 404) res.removed.push({ id: c.Id, name, why });
    else res.failed.push({ id: c.Id, name, error: r.body.toString('utf8').slice(0, 200) });
  }));
  return res;
}

/**
 * Start this run's sweep in the background (off the hot path: it runs beside the command, and
 * runCleanup() waits for it). What it did is told on stderr, one line each.
 * ZOMBIE_AUDIT_NO_SWEEP=1 turns it off.
 */
export function housekeeping(engine: Engine, say: (line: string) => void = (l) => process.stderr.write(`zombie-audit: ${escapeText(l)}\n`)): void {
  if (process.env.ZOMBIE_AUDIT_NO_SWEEP === '1') return;
  const p = sweep(engine).then((r) => {
    for (const x of r.recovered) say(x);
    if (r.removed.length) say(`removed ${r.removed.length} leftover container(s) of earlier runs (${r.removed.map((x) => `${x.name || x.id.slice(0, 12)}: ${x.why}`).join(', ')})`);
    for (const f of r.failed) say(`could not remove leftover ${f.name || f.id.slice(0, 12)}: ${f.error}`);
  }, (e: Error) => {
    // an engine that does not answer is the command's own error to report, once
    if (!(e instanceof ZaError && (e.code.startsWith('ENGINE_') || e.code === 'USAGE'))) say(`housekeeping failed: ${e.message}`);
  });
  addChore(p);
}
