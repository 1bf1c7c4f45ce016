/**
 * Proofs on real programs: each runtime image (scripts/build-runtime-images.sh) runs as PID 1 the
 * way users run it; the audit's prediction and the probe's measurement are compared with what a
 * real orphan (made by a docker exec whose child outlives it) and a timed real `docker stop` do.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { analyze, type AuditReport } from '../../src/analysis/audit.js';
import { collect, containerInfo, type InspectJSON } from '../../src/collect/collect.js';
import { probe, type ProbeReport } from '../../src/probe/probe.js';
import { engine, sleep, start, type StartOptions } from '../helpers/engine.js';

export const img = (n: string): string => `zombie-audit-runtime/${n}`;

export interface Case {
  /** a name for the table */
  name: string;
  start: Omit<StartOptions, 'stopTimeout'>;
  /** the container is up when some process's argv matches (upCount of them: gunicorn's arbiter and workers) */
  upWhen: RegExp;
  upCount?: number;
  /** seconds to let it settle after that (handlers, hooks) */
  settle: number;
  /** docker stop's grace in the test */
  grace: number;
  /** what the tool must say */
  expect: { outcome: AuditReport['stop']['outcome']; reaps: AuditReport['pid1']['reapsChildren']; runtime?: string };
}

export interface RealStop { seconds: number; exitCode: number }
export interface RealOrphan { reaped: boolean; ms?: number; watchedMs: number }

/** The container is running and a process's argv matches `re`. */
export async function waitUp(id: string, re: RegExp, ms = 180_000, count = 1): Promise<void> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    try {
      const s = (await collect(engine, id)).snapshot;
      const cmds = [...s.procs.values()].map((p) => (p.argv ?? [p.comm]).join(' '));
      if (cmds.filter((c) => re.test(c)).length >= count) return;
      last = cmds.join(' | ');
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(300);
  }
  const j = await engine.json<InspectJSON>('GET', `/containers/${id}/json`);
  const logs = (await engine.request('GET', `/containers/${id}/logs`, { query: { stdout: 1, stderr: 1, tail: 20 } })).body.toString('latin1');
  throw new Error(`${id} never ran ${re} (running: ${j.State.Running}, exit ${j.State.ExitCode}); last: ${last}; logs: ${logs}`);
}

export async function auditOf(id: string): Promise<AuditReport> {
  const c = await collect(engine, id);
  return analyze(c.snapshot, containerInfo(c.inspect), c.method);
}

/**
 * A real orphan: a docker exec starts `sleep 0.3` in the background and exits at once, so the
 * sleep is handed to PID 1. Watched from the host through PID 1's /proc/<pid>/root/proc (the
 * container's own procfs), every 10 ms: when it turns zombie, and when it is gone (reaped).
 */
export async function realOrphan(id: string, watchMs = 5000): Promise<RealOrphan> {
  const j = await engine.json<InspectJSON>('GET', `/containers/${id}/json`);
  const out = await engine.exec(id, ['/bin/sh', '-c', 'sleep 0.3 </dev/null >/dev/null 2>&1 & echo $!']);
  const pid = Number(out.stdout.trim());
  assert.ok(pid > 1, `orphan pid: ${out.stdout} ${out.stderr}`);
  const stat = `/proc/${j.State.Pid}/root/proc/${pid}/stat`;
  const t0 = Date.now();
  let zAt: number | undefined;
  while (Date.now() - t0 < watchMs) {
    let s: string;
    try { s = readFileSync(stat, 'latin1'); } catch { return { reaped: true, ms: zAt === undefined ? undefined : Date.now() - zAt, watchedMs: Date.now() - t0 }; }
    const rest = s.slice(s.lastIndexOf(')') + 2);
    if (rest.startsWith('Z') && zAt === undefined) zAt = Date.now();
    await sleep(10);
  }
  return { reaped: false, watchedMs: Date.now() - t0 };
}

/** A real, timed `docker stop` with the given grace, and the exit code it ends with. */
export async function realStop(id: string, grace: number): Promise<RealStop> {
  const t0 = Date.now();
  const r = await engine.request('POST', `/containers/${id}/stop`, { query: { t: grace }, timeoutMs: (grace + 60) * 1000 });
  assert.ok(r.status < 300, `docker stop: ${r.status}`);
  const seconds = (Date.now() - t0) / 1000;
  const j = await engine.json<InspectJSON>('GET', `/containers/${id}/json`);
  return { seconds: Math.round(seconds * 100) / 100, exitCode: j.State.ExitCode };
}

/** How a real stop reads in the tool's words. */
export function classify(s: RealStop, grace: number, byDesign: number[] = []): 'graceful' | 'signal-exit' | 'killed' {
  if (s.exitCode === 137 && s.seconds >= grace - 0.5) return 'killed';
  if (s.exitCode === 0 || byDesign.includes(s.exitCode)) return 'graceful';
  return 'signal-exit';
}

export interface Row {
  runtime: string; predicted: string; probe: string; real: string; reaps: string; orphan: string;
}

const TABLE = process.env.ZA_RUNTIME_TABLE;

/** Run one case end to end and check the tool against the real program. */
export async function prove(run: string, k: Case, log: (s: string) => void): Promise<Row> {
  const id = await start(run, { ...k.start, stopTimeout: k.grace });
  await waitUp(id, k.upWhen, 180_000, k.upCount);
  await sleep(k.settle * 1000);
  const a = await auditOf(id);
  if (k.expect.runtime !== undefined) assert.equal(a.pid1.runtime?.id, k.expect.runtime, `${k.name}: recognized as ${k.expect.runtime}`);
  assert.equal(a.stop.outcome, k.expect.outcome, `${k.name}: predicted stop: ${a.stop.summary}`);
  assert.equal(a.pid1.reapsChildren, k.expect.reaps, `${k.name}: reaping: ${a.pid1.reapsReason}`);
  // a loaded machine (2 cores shared by many): let the copy take up to 150 s to look like the live one
  const p: ProbeReport = await probe(engine, id, { signals: [], live: false, leaveStopped: false, settleMs: 500, skipZombie: false, skipTerm: false, readyTimeoutMs: 150_000 });
  assert.deepEqual(p.errors, [], `${k.name}: probe errors`);
  const orphan = await realOrphan(id);
  const stop = await realStop(id, k.grace);
  const byDesign = a.stop.byDesign && a.stop.exitCode !== undefined ? [a.stop.exitCode] : [];
  const real = classify(stop, k.grace, byDesign);
  // the prediction is never wrong: unknown only where the case says the masks cannot tell
  if (a.stop.outcome !== 'unknown') {
    assert.equal(a.stop.outcome, real, `${k.name}: predicted ${a.stop.outcome}, docker stop: ${stop.seconds} s exit ${stop.exitCode}`);
    if (a.stop.exitCode !== undefined) assert.equal(stop.exitCode, a.stop.exitCode, `${k.name}: predicted exit code`);
  }
  // reaping verdict never wrong
  if (a.pid1.reapsChildren !== 'unknown') assert.equal(a.pid1.reapsChildren === 'yes', orphan.reaped, `${k.name}: reaps ${a.pid1.reapsChildren}, real orphan ${JSON.stringify(orphan)}`);
  // the probe matches the real stop: verdict, exit code, time within the larger of 1.5 s and 50%
  const t = p.termProbe!;
  assert.ok(t, `${k.name}: no TERM probe`);
  if (t.method !== 'live-safe') {
    assert.equal(t.verdict, real, `${k.name}: probe ${t.summary}; docker stop ${stop.seconds} s exit ${stop.exitCode}`);
    assert.equal(t.exitCode, stop.exitCode, `${k.name}: probe exit code`);
    assert.ok(Math.abs(t.seconds - stop.seconds) <= Math.max(1.5, 0.5 * stop.seconds), `${k.name}: probe ${t.seconds} s, docker stop ${stop.seconds} s`);
  } else {
    assert.equal(real, 'killed', `${k.name}: live-safe proved TERM dropped; docker stop must kill`);
  }
  assert.equal(p.zombieProbe!.reaped, orphan.reaped, `${k.name}: orphan probe ${p.zombieProbe!.summary}; real ${JSON.stringify(orphan)}`);
  const row: Row = {
    runtime: k.name,
    predicted: `${a.stop.outcome}${a.stop.exitCode !== undefined ? ` (${a.stop.exitCode}${a.stop.byDesign ? ', by design' : ''})` : ''}`,
    probe: t.method === 'live-safe' ? `TERM dropped (live-safe)` : `${t.verdict} ${t.exitCode} in ${t.seconds} s${t.readySeconds !== undefined ? ` (ready ${t.readySeconds} s)` : ''}`,
    real: `${real}: exit ${stop.exitCode} in ${stop.seconds} s`,
    reaps: a.pid1.reapsChildren,
    orphan: orphan.reaped ? `reaped in ${orphan.ms ?? '<10'} ms (probe: ${p.zombieProbe!.ms} ms, ${p.zombieProbe!.reaper})` : `zombie after ${(orphan.watchedMs / 1000).toFixed(1)} s (probe: never)`,
  };
  log(`| ${Object.values(row).join(' | ')} |`);
  if (TABLE) appendFileSync(TABLE, `| ${Object.values(row).join(' | ')} |\n`);
  return row;
}
