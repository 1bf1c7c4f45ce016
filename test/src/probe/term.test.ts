import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childFates, parseWatch } from '../../../src/probe/term.js';
import type { Proc } from '../../../src/proc/snapshot.js';

const proc = (pid: number, ppid: number, comm: string): Proc =>
  ({ pid, ppid, comm, state: 'S', pgrp: 1, session: 1, startTicks: 0, threads: 1, rssPages: 0 });
const before = [proc(1, 0, 'tini'), proc(7, 1, 'app'), proc(8, 7, 'worker')];

test('a process alive 20 ms or more after the signal, when PID 1 exited, was killed with it', () => {
  const s = parseWatch('W 10.00 1:S 7:S 8:S\nK 10.00\nW 10.00 1:S 7:S 8:S\nW 10.03 1:S 8:S\n');
  assert.deepEqual(childFates(before, s, 7).children.map((c) => [c.pid, c.fate]), [[7, 'exited-before-pid1'], [8, 'killed-with-pid1']]);
});

test('a sample right after the signal proves nothing: unknown', () => {
  const s = parseWatch('W 10.00 1:S 7:S 8:S\nK 10.00\nW 10.01 1:S 7:S 8:S\n');
  assert.deepEqual(childFates(before, s).children.map((c) => c.fate), ['unknown', 'unknown']);
});

test('the main child of an init is never "killed with PID 1": the init exits after it', () => {
  const s = parseWatch('W 10.00 1:S 7:S\nK 10.00\nW 10.05 1:S 7:S\n');
  assert.equal(childFates([proc(1, 0, 'tini'), proc(7, 1, 'app')], s, 7).children[0].fate, 'exited-before-pid1');
});

test('no sample after the signal: unknown; zombies in the last sample are counted', () => {
  const s = parseWatch('W 10.00 1:S 7:S 9:Z\n');
  const r = childFates(before, s);
  assert.ok(r.children.every((c) => c.fate === 'unknown'));
  assert.equal(r.zombiesAtEnd, 1);
});

test('provablyDropped: only where /proc proves PID 1 drops or ignores the signal, never for an init', async () => {
  const { readFileSync } = await import('node:fs');
  const { parseSnapshot } = await import('../../../src/proc/snapshot.js');
  const { analyze } = await import('../../../src/analysis/audit.js');
  const { provablyDropped } = await import('../../../src/probe/term.js');
  const FIX = new URL('../../../../test/fixtures/proc/', import.meta.url);
  const check = (f: string, sig: number, init = false) => {
    const snap = parseSnapshot(readFileSync(new URL(f, FIX), 'latin1'));
    const r = analyze(snap, { id: 'x', name: f, image: 'i' }, 'exec');
    return provablyDropped(r, snap.procs.get(1)!, sig, { HostConfig: { Init: init } } as never);
  };
  assert.equal(check('no-term.txt', 15), true);
  assert.equal(check('no-term.txt', 15, true), false, 'started with --init');
  assert.equal(check('healthy.txt', 15), false, 'a TERM handler');
  assert.equal(check('healthy.txt', 2), true, 'no INT handler');
  assert.equal(check('shell-pid1.txt', 2), false, 'the shell catches INT');
  assert.equal(check('shell-pid1.txt', 3), true, 'the shell ignores QUIT');
  for (const f of ['tini.txt', 'dumb-init.txt', 'catatonit.txt']) assert.equal(check(f, 15), false, f);
});
