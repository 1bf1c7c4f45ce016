import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseOrphan } from '../../../src/probe/orphan.js';
import { reaperKind } from '../../../src/probe/probe.js';
import { looksLike, signatureOf } from '../../../src/probe/ready.js';
import { verdictOf } from '../../../src/probe/term.js';
import { parseSnapshot } from '../../../src/proc/snapshot.js';

const FIX = new URL('../../../../test/fixtures/proc/', import.meta.url);
const snap = (f: string) => parseSnapshot(readFileSync(new URL(f, FIX), 'latin1'));

test('readiness: a copy looks like the live container only with the same commands and masks', () => {
  const live = signatureOf(snap('tini.txt'));
  assert.deepEqual(looksLike(live, signatureOf(snap('tini.txt'))), { ok: true });
  // the app not started yet: only tini runs
  const early = snap('tini.txt');
  for (const p of [...early.procs.values()]) if (p.pid !== 1) early.procs.delete(p.pid);
  const r = looksLike(live, signatureOf(early));
  assert.equal(r.ok, false);
  assert.match((r as { why: string }).why, /^not running yet: "\/app --term"$/);
  // the app runs but has not installed its TERM handler yet (supervisord's first second, a JVM starting)
  const noHandler = snap('tini.txt');
  const app = [...noHandler.procs.values()].find((p) => p.ppid === 1)!;
  app.status = { ...app.status!, sigCgt: 0n };
  const r2 = looksLike(live, signatureOf(noHandler));
  assert.equal(r2.ok, false);
  assert.match((r2 as { why: string }).why, /has cgt=0 ign=0, the live one cgt=4000/);
});

test('readiness: a process exec\'d from outside (parent pid 0) and zombies are not part of the picture', () => {
  const s = snap('leaky-pid1.txt');
  const p1 = s.procs.get(1)!;
  s.procs.set(999, { ...p1, pid: 999, ppid: 0, argv: ['bash'], comm: 'bash' });
  const sig = signatureOf(s);
  assert.ok(!sig.procs.has('bash'), 'a docker exec bash is not the app');
  s.procs.delete(999);
  assert.ok([...s.procs.values()].some((p) => p.state === 'Z'));
  assert.equal([...sig.procs.keys()].length, new Set([...s.procs.values()].filter((p) => p.state !== 'Z').map((p) => (p.argv ?? [p.comm]).join(' '))).size);
});

test('exit codes as users read them: JVM 143 by design is graceful; 143 of a program without a handler is a signal exit', () => {
  const jvm = verdictOf('SIGTERM', 15, 143, 3.1, 10, { expected: { runtime: 'java (JVM)', exitCode: 143, byDesign: true } });
  assert.equal(jvm.verdict, 'graceful');
  assert.equal(jvm.exitMeaning, "143 = 128+15 (SIGTERM): java (JVM)'s normal exit after its shutdown ran, by design");
  assert.match(jvm.summary, /^stops gracefully in 3\.1 s \(exit 143 = 128\+15/);
  const plain = verdictOf('SIGTERM', 15, 143, 0.1, 10);
  assert.equal(plain.verdict, 'signal-exit');
  assert.equal(plain.exitMeaning, '143 = 128+15 (SIGTERM): it died of SIGTERM');
  const killed = verdictOf('SIGTERM', 15, 137, 10.2, 10);
  assert.equal(killed.verdict, 'killed');
  assert.equal(killed.exitMeaning, '137 = 128+9 (SIGKILL): killed, no shutdown ran');
});

test('npm: PID 1 exits 1 at once while the server still runs: a signal exit, not graceful', () => {
  const v = verdictOf('SIGTERM', 15, 1, 0.9, 10, { appKilled: ['12 node'] });
  assert.equal(v.verdict, 'signal-exit');
  assert.match(v.summary, /but 12 node still ran: SIGKILLed by the kernel without a signal of their own/);
  assert.equal(verdictOf('SIGTERM', 15, 0, 0.2, 10, { appKilled: ['9 sleep'] }).verdict, 'graceful', 'exit 0: ZA303 tells the rest');
});

test('the orphan probe tells a slow (polling) reaper from a prompt one and from one that never reaps', () => {
  const prompt = parseOrphan('O 40 100.00 1\nZ 100.20\nR 100.21\n', 'exec');
  assert.equal(reaperKind(prompt), 'prompt');
  const slow = parseOrphan('O 40 100.00 1\nZ 100.20\nR 101.05\n', 'exec');
  assert.equal(slow.ms, 850);
  assert.equal(reaperKind(slow), 'slow');
  const never = parseOrphan('O 40 100.00 1\nZ 100.20\nT 105.20\n', 'exec');
  assert.equal(reaperKind(never), 'never');
  assert.equal(never.watchedMs, 5200);
});
