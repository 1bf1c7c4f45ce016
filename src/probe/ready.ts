import { collect } from '../collect/collect.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import type { Proc, Snapshot } from '../proc/snapshot.js';

/**
 * What "the sandbox copy looks like the live container" means: the same commands running (argv,
 * or [comm] where unreadable), and the same caught and ignored signal masks on PID 1 and on every
 * process whose masks were read (PID 1's children: the app's processes). Processes started from
 * outside (docker exec: parent pid 0) and zombies are left out. SigBlk is left out: an init
 * waiting in sigtimedwait shows it empty, then full, from one read to the next.
 */
export interface Signature {
  /** command → the masks seen on it ('' where not read) */
  procs: Map<string, Set<string>>;
  /** PID 1's thread count: a JVM or node still starting adds threads */
  pid1Threads: number;
}

const key = (p: Proc): string => (p.argv && p.argv.length ? p.argv.join(' ') : `[${p.comm}]`);
const masks = (p: Proc): string => (p.status ? `cgt=${p.status.sigCgt.toString(16)} ign=${p.status.sigIgn.toString(16)}` : '');

export function signatureOf(snap: Snapshot): Signature {
  const procs = new Map<string, Set<string>>();
  for (const p of snap.procs.values()) {
    if (p.state === 'Z' || p.ppid === 0 && p.pid !== 1) continue;
    let s = procs.get(key(p));
    if (!s) procs.set(key(p), (s = new Set()));
    const m = masks(p);
    if (m) s.add(m);
  }
  return { procs, pid1Threads: snap.procs.get(1)?.status?.threads ?? snap.procs.get(1)?.threads ?? 0 };
}

/** `a` keeping only the processes whose command `b` runs too (two reads of the live container). */
export function stableOf(a: Snapshot, b: Snapshot): Snapshot {
  const inB = new Set([...b.procs.values()].map(key));
  const procs = new Map([...a.procs].filter(([pid, p]) => pid === 1 || inB.has(key(p))));
  return { ...a, procs };
}

/** Whether `copy` runs what `live` runs, with the same masks; or the first difference. */
export function looksLike(live: Signature, copy: Signature): { ok: true } | { ok: false; why: string } {
  for (const [cmd, lm] of live.procs) {
    const cm = copy.procs.get(cmd);
    if (!cm) return { ok: false, why: `not running yet: ${JSON.stringify(cmd.slice(0, 80))}` };
    for (const m of lm) {
      if (cm.size > 0 && !cm.has(m)) return { ok: false, why: `${JSON.stringify(cmd.slice(0, 60))} has ${[...cm].join(' | ')}, the live one ${m}` };
      if (cm.size === 0) return { ok: false, why: `${JSON.stringify(cmd.slice(0, 60))}: masks not read yet` };
    }
  }
  return { ok: true };
}

function same(a: Signature, b: Signature): boolean {
  if (a.pid1Threads !== b.pid1Threads || a.procs.size !== b.procs.size) return false;
  for (const [k, v] of a.procs) {
    const w = b.procs.get(k);
    if (!w || w.size !== v.size || [...v].some((m) => !w.has(m))) return false;
  }
  return true;
}

/** The copy never looked like the live container in time: no verdict (code NOT_READY in probe@1 errors). */
export class NotReady extends Error {
  readonly code = 'NOT_READY';
  readonly hint = 'the copy must run what the live container runs, with the same signal masks; raise --ready-timeout, or probe with --live --yes';
}

export interface ReadyOptions {
  /** give up after this long: "not ready after N s", no verdict */
  timeoutMs: number;
  /** never before the copy is this old (the runtime's readiness time) */
  minMs: number;
  /** consecutive identical samples that look like the live container */
  samples?: number;
  intervalMs?: number;
  /** when the copy was started (Date.now()) */
  startedAt: number;
}

export interface ReadyResult {
  /** seconds from the copy's start to readiness */
  seconds: number;
  samples: number;
}

/**
 * Wait until the sandbox copy `id` looks like the live container (its snapshot `live`), the same
 * over `samples` reads in a row, and is at least `minMs` old. Throws NOT_READY on timeout and
 * NOT_RUNNING when the copy exits meanwhile.
 */
export async function waitUntilLike(engine: Engine, id: string, live: Snapshot, o: ReadyOptions): Promise<ReadyResult> {
  const want = signatureOf(live);
  const need = o.samples ?? 3;
  const every = o.intervalMs ?? 300;
  let prev: Signature | undefined;
  let run = 0;
  let reads = 0;
  let why = 'no sample yet';
  for (;;) {
    const elapsed = Date.now() - o.startedAt;
    if (elapsed > o.timeoutMs) {
      throw new NotReady(`the sandbox copy was not ready after ${Math.round(o.timeoutMs / 1000)} s (${why}): no verdict`);
    }
    let snap: Snapshot;
    try {
      snap = (await collect(engine, id)).snapshot;
    } catch (e) {
      if (e instanceof ZaError && (e.code === 'NOT_RUNNING' || e.code === 'EXITED_DURING_AUDIT')) {
        throw new ZaError('NOT_RUNNING', `the sandbox copy exited within ${((Date.now() - o.startedAt) / 1000).toFixed(1)} s while it was being compared with the live container: the app may need its network or its volumes`);
      }
      throw e;
    }
    reads++;
    const sig = signatureOf(snap);
    const like = looksLike(want, sig);
    if (!like.ok) { why = like.why; run = 0; } else if (prev && same(prev, sig)) { run++; } else { run = 1; why = 'still changing'; }
    prev = sig;
    if (run >= need && Date.now() - o.startedAt >= o.minMs) return { seconds: Math.round((Date.now() - o.startedAt) / 100) / 10, samples: reads };
    await new Promise((r) => setTimeout(r, every));
  }
}
