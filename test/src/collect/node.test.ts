import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../../src/analysis/audit.js';
import { nodeSnapshot, parseHostRead, pidsOfHostPid } from '../../../src/collect/node.js';
import { ZaError } from '../../../src/engine/errors.js';

// A real `za-proc --host` read (ZA2) taken on this project's machine, cut down to the host's
// PID 1 and one PID namespace: a container running `/app --leak 6` (host pid 15603: 6 zombies)
// and a second container that joined its PID namespace (host pid 15869, `sleep 300`).
const FIX = new URL('../../../../test/fixtures/proc/', import.meta.url);
const host = parseHostRead(readFileSync(new URL('host-node.txt', FIX)));

test('nodeSnapshot: the task\'s PID namespace in its own numbering, zombies included', () => {
  const s = nodeSnapshot(host, 15603, 'payments/api-7d9c/app');
  assert.equal(s.complete, true);
  assert.deepEqual([...s.procs.keys()].sort((a, b) => a - b), [1, 8, 9, 10, 11, 12, 13, 14]);
  assert.deepEqual(s.procs.get(1)!.argv, ['/app', '--leak', '6']);
  assert.ok(!s.procs.has(15603), 'no host pid leaks into the container numbering');
  const r = analyze(s, { id: 'c1', name: 'payments/api-7d9c/app', image: 'zombie-audit-fixture/base' }, 'host');
  assert.equal(r.processes.zombies, 6);
  assert.deepEqual(r.zombies.map((z) => [z.ppid, z.reaper]), Array(6).fill([1, 'pid1']));
  assert.ok(r.findings.some((f) => f.id === 'ZA101'));
});

test('nodeSnapshot: a task that joined another\'s PID namespace gives that whole namespace (its PID 1 is the other\'s)', () => {
  const s = nodeSnapshot(host, 15869, 'side');
  assert.equal(s.procs.get(1)!.comm, 'app');
  assert.equal(s.procs.get(14)!.comm, 'sleep');
});

test('nodeSnapshot: why not, when it cannot', () => {
  assert.throws(() => nodeSnapshot(host, 99999, 'gone'), (e: unknown) => e instanceof ZaError && e.code === 'EXITED_DURING_AUDIT');
  const noNs = { ...host, procs: new Map([...host.procs].map(([k, p]) => [k, { ...p, host: undefined }])) };
  assert.throws(() => nodeSnapshot(noNs, 15603, 'x'), (e: unknown) => e instanceof ZaError && e.code === 'ENGINE_PERMISSION');
  const noPid1 = { ...host, procs: new Map([...host.procs].map(([k, p]) => [k, p.host ? { ...p, host: { ...p.host, nspid: p.host.nspid.map((n) => (n === 1 ? 2 : n)) } } : p])) };
  assert.throws(() => nodeSnapshot(noPid1, 15603, 'x'), (e: unknown) => e instanceof ZaError && e.code === 'BAD_OUTPUT');
});

test('a cut-short host read stays incomplete', () => {
  const raw = readFileSync(new URL('host-node.txt', FIX));
  const cut = parseHostRead(raw.subarray(0, raw.length - 2));
  assert.equal(nodeSnapshot(cut, 15603, 'x').complete, false);
});

test('pidsOfHostPid: the pids cgroup of a process, v1 (real /proc/PID/cgroup of a containerd task)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-cg-'));
  try {
    mkdirSync(join(dir, 'proc', '42'), { recursive: true });
    writeFileSync(join(dir, 'proc', '42', 'cgroup'), readFileSync(new URL('../cgroup/v1-containerd-task.txt', FIX)));
    const cg = join(dir, 'sys', 'pids', 'k8s.io', 'za-try-1');
    mkdirSync(cg, { recursive: true });
    writeFileSync(join(cg, 'pids.max'), 'max\n');
    writeFileSync(join(cg, 'pids.current'), '7\n');
    assert.deepEqual(pidsOfHostPid(42, join(dir, 'sys'), join(dir, 'proc')), { max: undefined, current: 7, cgroup: 'v1' });
    writeFileSync(join(cg, 'pids.max'), '64\n');
    assert.deepEqual(pidsOfHostPid(42, join(dir, 'sys'), join(dir, 'proc')), { max: 64, current: 7, cgroup: 'v1' });
    assert.equal(pidsOfHostPid(43, join(dir, 'sys'), join(dir, 'proc')), undefined, 'no such process');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
