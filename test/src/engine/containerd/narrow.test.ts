import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../../../src/analysis/audit.js';
import { pidsLine } from '../../../../src/engine/containerd/host-reader.js';
import { narrowToContainer, type NarrowResult } from '../../../../src/engine/containerd/narrow.js';
import { parseSnapshot } from '../../../../src/proc/snapshot.js';

// Real `za-proc --host` output from this project's machine (cut down to the host's PID 1, two
// containerd shims and their containers): a standalone containerd's pod-labelled container
// (host pid 13587, `/app --leak 6`: 6 zombies) and a docker container (tini 4672 + app 5013).
const FIX = new URL('../../../../../test/src/engine/containerd/fixtures/', import.meta.url);
const host = readFileSync(new URL('host-containerd.txt', FIX), 'utf8');

function ok(r: NarrowResult | string): NarrowResult {
  assert.equal(typeof r, 'object', `narrowed: ${String(r)}`);
  return r as NarrowResult;
}

test('narrowToContainer: the containerd task\'s namespace, in its own pid numbering, zombies included', () => {
  const r = ok(narrowToContainer(host, 13587));
  assert.deepEqual([...r.pids.entries()].sort((a, b) => a[1] - b[1]), [[13587, 1], [13606, 7], [13607, 8], [13608, 9], [13609, 10], [13610, 11], [13611, 12]]);
  const snap = parseSnapshot(r.text);
  assert.equal(snap.complete, true);
  assert.equal(snap.collector, 'za-proc');
  assert.deepEqual([...snap.procs.keys()].sort((a, b) => a - b), [1, 7, 8, 9, 10, 11, 12]);
  const pid1 = snap.procs.get(1)!;
  assert.deepEqual(pid1.argv, ['/app', '--leak', '6']);
  assert.equal(pid1.ppid, 0, 'the shim is outside the namespace');
  assert.equal(pid1.pgrp, 1);
  assert.ok(pid1.status, 'PID 1 keeps its status lines');
  assert.equal(pid1.wchan !== undefined || pid1.syscall !== undefined, true);
  for (const pid of [7, 8, 9, 10, 11, 12]) {
    const p = snap.procs.get(pid)!;
    assert.equal(p.state, 'Z');
    assert.equal(p.ppid, 1);
    assert.equal(p.argv, undefined);
  }
  assert.equal(snap.selfPid, undefined, 'the reader (X) is outside and left out');
  assert.doesNotMatch(r.text, /^[NGI] /m, 'host-numbered extras are left out');
  assert.doesNotMatch(r.text, /tini|containerd-shim|process_api/, 'nothing of other namespaces');
});

test('narrowToContainer: the docker container beside it, and a task that is not its namespace\'s PID 1', () => {
  const r = ok(narrowToContainer(host, 4672));
  const snap = parseSnapshot(r.text);
  assert.deepEqual([...snap.procs.keys()].sort((a, b) => a - b), [1, 7]);
  assert.equal(snap.procs.get(1)!.comm, 'tini');
  assert.equal(snap.procs.get(7)!.ppid, 1);
  assert.deepEqual(snap.procs.get(7)!.argv, ['/app', '--term']);
  // the app's host pid (as with shareProcessNamespace): the whole namespace, PID 1 tini
  const shared = ok(narrowToContainer(host, 5013));
  assert.equal(shared.text, r.text);
});

test('narrowToContainer: why not, when it cannot', () => {
  assert.equal(narrowToContainer(host, 99999), 'no-init');
  assert.equal(narrowToContainer(host.replace(/^I .*\n/gm, ''), 13587), 'no-namespace', 'no ns/pid link readable: not root');
  assert.equal(narrowToContainer(host.replace(/^N (\d+) (\d+)\t1$/gm, 'N $1 $2\t2'), 13587), 'not-pid1');
});

test('narrowToContainer: extra head lines (the pids cgroup) reach the snapshot; a cut-short read stays incomplete', () => {
  const r = ok(narrowToContainer(host, 13587, ['L 64 7 v1']));
  const snap = parseSnapshot(r.text);
  assert.deepEqual(snap.pids, { max: 64, current: 7, cgroup: 'v1' });
  const cut = ok(narrowToContainer(host.slice(0, host.length - 2), 13587));
  assert.equal(parseSnapshot(cut.text).complete, false);
});

test('the audit of the narrowed snapshot: exactly the 6 zombies of PID 1', () => {
  const snap = parseSnapshot(ok(narrowToContainer(host, 13587)).text);
  const r = analyze(snap, { id: 'za-try-1', name: 'payments/api-7d9c/app', image: 'docker.io/zombie-audit-fixture/leaky-pid1:latest', stopTimeout: 30 }, 'host');
  assert.equal(r.processes.zombies, 6);
  assert.deepEqual(r.zombies.map((z) => [z.pid, z.ppid, z.parentName, z.reaper]), [7, 8, 9, 10, 11, 12].map((p) => [p, 1, 'app', 'pid1']));
  assert.deepEqual(r.findings.map((f) => f.id).sort(), ['ZA101', 'ZA201', 'ZA205']);
});

test('pidsLine: the pids cgroup of a process, v1 (real /proc/PID/cgroup of a containerd task)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-cg-'));
  try {
    mkdirSync(join(dir, 'proc', '42'), { recursive: true });
    writeFileSync(join(dir, 'proc', '42', 'cgroup'), readFileSync(new URL('cgroup-v1-containerd.txt', FIX)));
    const cg = join(dir, 'sys', 'pids', 'k8s.io', 'za-try-1');
    mkdirSync(cg, { recursive: true });
    writeFileSync(join(cg, 'pids.max'), 'max\n');
    writeFileSync(join(cg, 'pids.current'), '7\n');
    assert.equal(pidsLine(42, join(dir, 'sys'), join(dir, 'proc')), 'L max 7 v1');
    writeFileSync(join(cg, 'pids.max'), '64\n');
    assert.equal(pidsLine(42, join(dir, 'sys'), join(dir, 'proc')), 'L 64 7 v1');
    assert.equal(pidsLine(43, join(dir, 'sys'), join(dir, 'proc')), undefined, 'no such process');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
