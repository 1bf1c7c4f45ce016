import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { ownerAlive, ownerLabels, EXPIRES_LABEL, OWNER_LABEL, type OwnedContainer } from '../engine/owner.js';

/**
 * The journal of a multi-step change (fix's image build and --recreate), kept on the engine
 * itself so that a run killed at any point (SIGKILL included) is finished or rolled back by
 * the next run of any command, or on request (`fix --resume` / `fix --rollback`).
 *
 * Container labels cannot change after creation, so each step is one journal record: a
 * container that is created and never started (from the original's own image, so no image is
 * needed), named zombie-audit-journal-<op>-<seq>, whose labels name the operation, the step
 * about to be taken and the state (the original's id and name, the old name, the new
 * container's id, the create body). A record is written BEFORE its step is taken; the previous
 * one is removed after. The latest record (highest seq) of an operation is its state.
 * Temporary labels never reach a user's image or container: only records carry them.
 */
export const JOURNAL_LABEL = 'zombie-audit.journal';
export const STEP_LABEL = 'zombie-audit.journal.step';
export const SEQ_LABEL = 'zombie-audit.journal.seq';
export const STATE_LABEL = 'zombie-audit.journal.state';

/** The steps of a fix, in order. */
export const STEPS = ['build', 'stop', 'rename', 'create', 'start', 'check', 'remove-old'] as const;
export type Step = typeof STEPS[number];

export interface FixState {
  op: string;
  /** the original container */
  original: { id: string; name: string; image: string };
  oldName: string;
  wasRunning: boolean;
  keepOld: boolean;
  recreate: boolean;
  /** the temporary container the image build uses (no labels: a commit would carry them) */
  buildName?: string;
  /** the new container's create body (Config + HostConfig + NetworkingConfig) */
  create?: Record<string, unknown>;
  newId?: string;
}

export interface Journal {
  state: FixState;
  step?: Step;
  /** record `step` (with the state as it is now) before it is taken */
  record(step: Step): Promise<void>;
  /** the operation is over: remove its records */
  close(): Promise<void>;
}

const seqOf = (c: OwnedContainer): number => Number(c.Labels?.[SEQ_LABEL] ?? -1);

export function newOp(): string {
  return randomBytes(4).toString('hex');
}

/** Open a journal for a new operation, or continue an existing one (`seq` = its last record). */
export function openJournal(engine: Engine, state: FixState, from?: { seq: number; id: string; step: Step }): Journal {
  let seq = from?.seq ?? -1;
  let last = from?.id;
  const j: Journal = {
    state,
    step: from?.step,
    async record(step) {
      seq += 1;
      const created = await engine.json<{ Id: string }>('POST', '/containers/create', {
        query: { name: `zombie-audit-journal-${state.op}-${seq}` },
        body: {
          Image: state.original.image, Entrypoint: ['/zombie-audit-journal-record-never-started'], Cmd: [],
          NetworkDisabled: true, HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'none', Config: {} } },
          Labels: {
            ...ownerLabels('journal', 3600), [JOURNAL_LABEL]: state.op, [SEQ_LABEL]: String(seq), [STEP_LABEL]: step,
            [STATE_LABEL]: JSON.stringify(state),
          },
        },
      });
      const prev = last;
      last = created.Id;
      j.step = step;
      if (prev) await engine.request('DELETE', `/containers/${prev}`, { query: { force: 1 } });
    },
    async close() {
      const all = await recordsOf(engine, state.op);
      const errors: string[] = [];
      for (const r of all) {
        const res = await engine.request('DELETE', `/containers/${r.Id}`, { query: { force: 1 } }).catch((e: Error) => ({ status: 0, body: Buffer.from(e.message) }));
        if (res.status >= 300 && res.status !== 404) errors.push(res.body.toString('utf8').slice(0, 200));
      }
      if (errors.length) throw new ZaError('ENGINE_API', `could not remove the journal of operation ${state.op}: ${errors.join('; ')}`);
    },
  };
  return j;
}

async function recordsOf(engine: Engine, op?: string): Promise<OwnedContainer[]> {
  return engine.json<OwnedContainer[]>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: [op ? `${JOURNAL_LABEL}=${op}` : JOURNAL_LABEL] }) } });
}

export interface OpenOperation {
  state: FixState;
  step: Step;
  seq: number;
  recordId: string;
  owner?: string;
  expires?: number;
}

/** The unfinished operations in the engine's journal (one list call), latest record each. */
export async function unfinished(engine: Engine, records?: OwnedContainer[]): Promise<OpenOperation[]> {
  const all = records ?? await recordsOf(engine);
  const byOp = new Map<string, OwnedContainer>();
  for (const r of all) {
    const op = r.Labels?.[JOURNAL_LABEL];
    if (!op) continue;
    const have = byOp.get(op);
    if (!have || seqOf(r) > seqOf(have)) byOp.set(op, r);
  }
  const out: OpenOperation[] = [];
  for (const r of byOp.values()) {
    let state: FixState;
    try { state = JSON.parse(r.Labels?.[STATE_LABEL] ?? '') as FixState; } catch { continue; }
    out.push({ state, step: r.Labels?.[STEP_LABEL] as Step, seq: seqOf(r), recordId: r.Id, owner: r.Labels?.[OWNER_LABEL], expires: Number(r.Labels?.[EXPIRES_LABEL]) });
  }
  return out;
}

interface Inspect { Id: string; Name: string; State: { Running: boolean; Status: string } }

async function inspectOrNone(engine: Engine, ref: string): Promise<Inspect | undefined> {
  const r = await engine.request('GET', `/containers/${encodeURIComponent(ref)}/json`);
  if (r.status === 404) return undefined;
  if (r.status >= 300) throw new ZaError('ENGINE_API', `inspect ${ref}: ${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
  return JSON.parse(r.body.toString('utf8')) as Inspect;
}

/** Do `what`; on failure push one line to `errors` (every failure is reported, none swallowed). */
async function attempt(errors: string[], what: string, f: () => Promise<{ status: number; body: Buffer } | void>, ok: number[] = []): Promise<void> {
  try {
    const r = await f();
    if (r && r.status >= 300 && !ok.includes(r.status)) errors.push(`${what}: ${r.status} ${r.body.toString('utf8').trim().slice(0, 200)}`);
  } catch (e) {
    errors.push(`${what}: ${(e as Error).message}`);
  }
}

/**
 * Roll an operation back to where it started, from the engine's state (whatever step it was
 * at): the new container (a container under the original's name that is not the original) is
 * removed, the original gets its name back and is started again if it ran, the build container
 * is removed. Returns every failure; the journal stays when there is one, for the next run.
 */
export async function rollback(engine: Engine, st: FixState): Promise<string[]> {
  const errors: string[] = [];
  const name = st.original.name;
  const byName = await inspectOrNone(engine, name).catch((e: Error) => { errors.push(e.message); return undefined; });
  if (byName && byName.Id !== st.original.id) {
    await attempt(errors, `remove the new ${name}`, () => engine.request('DELETE', `/containers/${byName.Id}`, { query: { force: 1 } }), [404]);
  }
  if (st.newId && st.newId !== byName?.Id) {
    await attempt(errors, `remove the new container ${st.newId.slice(0, 12)}`, () => engine.request('DELETE', `/containers/${st.newId}`, { query: { force: 1 } }), [404]);
  }
  const orig = await inspectOrNone(engine, st.original.id).catch((e: Error) => { errors.push(e.message); return undefined; });
  if (!orig) {
    if (!errors.length) errors.push(`the original ${name} (${st.original.id.slice(0, 12)}) is gone: nothing to roll back to`);
  } else {
    if (orig.Name.replace(/^\//, '') !== name) {
      await attempt(errors, `rename ${orig.Name.replace(/^\//, '')} back to ${name}`, () => engine.request('POST', `/containers/${orig.Id}/rename`, { query: { name } }));
    }
    if (st.wasRunning && !orig.State.Running) {
      await attempt(errors, `start ${name} again`, () => engine.request('POST', `/containers/${orig.Id}/start`, { timeoutMs: 60_000 }), [304]);
    }
  }
  if (st.buildName) {
    await attempt(errors, `remove the build container ${st.buildName}`, () => engine.request('DELETE', `/containers/${st.buildName}`, { query: { force: 1, v: 1 } }), [404]);
  }
  return errors;
}

/**
 * Finish an operation whose new container exists: start it, remove the old one (unless kept).
 * Returns every failure.
 */
export async function finish(engine: Engine, st: FixState): Promise<string[]> {
  const errors: string[] = [];
  const name = st.original.name;
  const fresh = await inspectOrNone(engine, st.newId ?? name).catch((e: Error) => { errors.push(e.message); return undefined; });
  if (!fresh || fresh.Id === st.original.id) return [`the new ${name} does not exist: it cannot be finished (roll it back)`];
  if (fresh.Name.replace(/^\//, '') !== name) {
    await attempt(errors, `rename the new container to ${name}`, () => engine.request('POST', `/containers/${fresh.Id}/rename`, { query: { name } }));
  }
  if (!fresh.State.Running) {
    await attempt(errors, `start the new ${name}`, () => engine.request('POST', `/containers/${fresh.Id}/start`, { timeoutMs: 60_000 }), [304]);
  }
  if (!st.keepOld) {
    await attempt(errors, `remove the old ${st.oldName}`, () => engine.request('DELETE', `/containers/${st.original.id}`, { timeoutMs: 60_000 }), [404]);
  }
  if (st.buildName) {
    await attempt(errors, `remove the build container ${st.buildName}`, () => engine.request('DELETE', `/containers/${st.buildName}`, { query: { force: 1, v: 1 } }), [404]);
  }
  return errors;
}

/** What recovery does by itself: finish once the old container was being removed, else roll back. */
export function autoAction(op: OpenOperation): 'finish' | 'rollback' {
  return op.step === 'remove-old' ? 'finish' : 'rollback';
}

/**
 * Recover the operations of dead owners (or every one, with `all`) found in `records`.
 * Returns one line per operation for the user.
 */
export async function recoverJournal(engine: Engine, records: OwnedContainer[], opts: { all?: boolean } = {}): Promise<string[]> {
  const lines: string[] = [];
  for (const op of await unfinished(engine, records)) {
    const alive = ownerAlive(op.owner);
    const expired = Number.isFinite(op.expires) && (op.expires ?? 0) < Date.now() / 1000;
    if (!opts.all && (alive === true || (alive === undefined && !expired))) continue;
    lines.push(await settle(engine, op, autoAction(op)));
  }
  return lines;
}

/** Finish or roll back one operation, then drop its journal when that worked. One line for the user. */
export async function settle(engine: Engine, op: OpenOperation, action: 'finish' | 'rollback'): Promise<string> {
  const st = op.state;
  let errors = action === 'finish' ? await finish(engine, st) : await rollback(engine, st);
  let did = action;
  if (action === 'finish' && errors.length && /does not exist/.test(errors[0])) {
    did = 'rollback';
    errors = await rollback(engine, st);
  }
  if (action === 'rollback' && errors.length === 1 && /is gone: nothing to roll back to/.test(errors[0])) {
    did = 'finish';
    errors = await finish(engine, st);
  }
  if (errors.length === 1 && /does not exist: it cannot be finished/.test(errors[0])) {
    // neither the original nor a new container is there (removed by hand since): nothing to restore
    const gone = await inspectOrNone(engine, st.original.id).catch(() => ({} as Inspect));
    if (!gone) {
      errors = [];
      did = 'rollback';
      await openJournal(engine, st).close().catch(() => undefined);
      return `an interrupted fix of ${st.original.name} (operation ${st.op}): neither the original nor a new container exists any more: its journal is dropped`;
    }
  }
  const what = `an interrupted fix of ${st.original.name} (operation ${st.op}, stopped before step "${op.step}")`;
  if (errors.length) {
    return `${what}: ${did === 'finish' ? 'finishing' : 'rolling back'} failed: ${errors.join('; ')} (the journal stays; retry with \`zombie-audit fix --${did === 'finish' ? 'resume' : 'rollback'} ${st.original.name}\`)`;
  }
  const j = openJournal(engine, st);
  const closeErr = await j.close().then(() => undefined, (e: Error) => e.message);
  return `${what}: ${did === 'finish' ? `finished: the fixed ${st.original.name} runs` : `rolled back: the original ${st.original.name} is back`}${closeErr ? `; ${closeErr}` : ''}`;
}
