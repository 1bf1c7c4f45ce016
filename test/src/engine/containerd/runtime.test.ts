import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ZaError } from '../../../../src/engine/errors.js';
import { ContainerdRuntime } from '../../../../src/engine/containerd/runtime.js';
import { containerSnapshot } from '../../../../src/cli/containerd.js';
import { parseHostRead } from '../../../../src/collect/node.js';
import { sleep, until } from '../../../helpers/engine.js';
import { TestContainerd } from './ctr.js';

let cd: TestContainerd;
let rt: ContainerdRuntime;
const pod = { namespace: 'payments', pod: 'api-7d9c' };

before(async () => {
  cd = await TestContainerd.up('rt');
  const [leaky, noShell, healthy] = await Promise.all([
    cd.importImage('zombie-audit-fixture/leaky-pid1'),
    cd.importImage('zombie-audit-fixture/no-shell'),
    cd.importImage('zombie-audit-fixture/healthy'),
  ]);
  await cd.runContainer('sandbox-1', leaky, { ...pod, sandbox: true }, ['/app']);
  await cd.runContainer('app-1', leaky, { ...pod, container: 'app' }, ['/app', '--leak', '6']);
  await cd.runContainer('side-1', noShell, { ...pod, container: 'sidecar' }, ['/app', '--leak', '2'],
    ['--annotation', 'io.kubernetes.pod.terminationGracePeriod=45']);
  await cd.runContainer('web-1', healthy, { namespace: 'payments', pod: 'web-0', container: 'web' }, ['/app', '--term', '--reap', '--sleepers', '2']);
  await cd.runContainer('plain-1', healthy, undefined, ['/app', '--term']);
  rt = new ContainerdRuntime({ address: cd.sock });
  await sleep(300);
});

after(async () => {
  rt?.close();
  if (!cd) return;
  try {
    await cd.clean();
    assert.deepEqual(await cd.leftovers(), { containers: [], tasks: [], snapshots: [], images: [] });
  } finally {
    cd.down();
  }
});

test('find: namespace/pod/container, the task\'s host pid, the kubelet\'s grace', async () => {
  const c = await rt.find('payments/api-7d9c/app');
  assert.equal(c.id, 'app-1');
  assert.equal(c.runtime, 'containerd');
  assert.equal(c.name, 'payments/api-7d9c/app');
  assert.deepEqual(c.pod, { namespace: 'payments', pod: 'api-7d9c', container: 'app' });
  assert.equal(c.state, 'running');
  assert.equal(c.hostPid, await cd.pid('app-1'));
  assert.equal(c.stopSignal, 'SIGTERM');
  assert.deepEqual([c.stopTimeoutSeconds, c.graceSource], [30, 'kubernetes-default']);
  const side = await rt.find('payments/api-7d9c/sidecar');
  assert.deepEqual([side.stopTimeoutSeconds, side.graceSource], [45, 'kubernetes'], 'the OCI annotation the kubelet writes');
  const plain = await rt.find('plain-1');
  assert.deepEqual([plain.name, plain.pod, plain.graceSource], ['plain-1', undefined, 'engine-default']);
  assert.equal((await rt.find('web-')).id, 'web-1', 'an unambiguous id prefix');
  assert.equal((await rt.find('payments/web-0')).id, 'web-1', 'namespace/pod with one app container');
});

test('find: two app containers, a typo, another namespace: one clear error each', async () => {
  await assert.rejects(rt.find('payments/api-7d9c'), (e: ZaError) => e.code === 'USAGE' && /payments\/api-7d9c\/app, payments\/api-7d9c\/sidecar/.test(e.message));
  await assert.rejects(rt.find('payments/api-7d9d/app'), (e: ZaError) => e.code === 'NOT_FOUND' && /did you mean: payments\/api-7d9c\/app/.test(e.hint ?? ''));
  const other = new ContainerdRuntime({ address: cd.sock, namespace: 'default' });
  try {
    await assert.rejects(other.find('payments/api-7d9c/app'), (e: ZaError) => e.code === 'NOT_FOUND' && /namespace default/.test(e.message));
  } finally { other.close(); }
});

test('list: every pod container, no sandbox; filters', async () => {
  const all = await rt.list();
  assert.deepEqual(all.map((c) => c.name), ['payments/api-7d9c/app', 'payments/api-7d9c/sidecar', 'payments/web-0/web', 'plain-1']);
  assert.deepEqual((await rt.list({ filters: ['pod=api-7d9c'] })).map((c) => c.id), ['app-1', 'side-1']);
  assert.deepEqual((await rt.list({ filters: ['label=io.kubernetes.container.name=web'] })).map((c) => c.id), ['web-1']);
});

test('readProcesses: the task\'s PID namespace from the host side, in its pid numbering, zombies included', async () => {
  const c = await rt.find('payments/api-7d9c/app');
  const snap = containerSnapshot(parseHostRead(await rt.readProcesses(c)), c);
  assert.equal(snap.complete, true);
  assert.deepEqual(snap.procs.get(1)?.argv, ['/app', '--leak', '6']);
  const zombies = [...snap.procs.values()].filter((p) => p.state === 'Z');
  assert.equal(zombies.length, 6);
  assert.ok(zombies.every((z) => z.ppid === 1));
  assert.equal(snap.procs.size, 7);
  assert.ok(snap.pids, 'the pids cgroup read on the host');
  assert.equal(snap.pids!.current, 7, 'pids.current counts the zombies');
});

test('readProcesses: a shell-less image (no exec needed), and several containers in one host read', async () => {
  const cs = await rt.list();
  const many = await rt.readProcessesMany(cs);
  const side = many.get('side-1');
  assert.ok(Buffer.isBuffer(side), String(side));
  const host = parseHostRead(side);
  const snap = containerSnapshot(host, cs.find((c) => c.id === 'side-1')!);
  assert.deepEqual(snap.procs.get(1)?.argv, ['/app', '--leak', '2']);
  assert.equal([...snap.procs.values()].filter((p) => p.state === 'Z').length, 2);
  assert.equal(many.get('web-1'), side, 'one host read for all');
  const web = containerSnapshot(host, cs.find((c) => c.id === 'web-1')!);
  assert.equal(web.procs.size, 3, 'the app and its 2 sleepers');
  assert.ok(cs.every((c) => Buffer.isBuffer(many.get(c.id))));
});

test('signal: TERM reaches a PID 1 that handles it; a stopped container says so', async () => {
  const c = await rt.find('plain-1');
  await rt.signal(c.id, 'TERM');
  assert.ok(await until(async () => (await rt.find('plain-1')).state === 'stopped', 15_000), 'the task stopped');
  const stopped = await rt.find('plain-1');
  assert.equal(stopped.exitCode, 0);
  await assert.rejects(rt.readProcesses(stopped), (e: ZaError) => e.code === 'NOT_RUNNING' && /exit code 0/.test(e.message));
  await assert.rejects(rt.signal(c.id, 'NOPE'), (e: ZaError) => e.code === 'USAGE');
});

test('no containerd at the address: one clear error with a hint, fast', async () => {
  const none = new ContainerdRuntime({ address: `${cd.dir}/nothing.sock` });
  const t0 = Date.now();
  try {
    await assert.rejects(none.find('payments/api-7d9c/app'), (e: ZaError) => e.code === 'ENGINE_UNREACHABLE' && /CONTAINERD_ADDRESS/.test(e.hint ?? ''));
  } finally { none.close(); }
  assert.ok(Date.now() - t0 < 10_000);
});
