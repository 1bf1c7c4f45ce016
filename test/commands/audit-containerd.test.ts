import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sleep } from '../helpers/engine.js';
import { TestContainerd } from '../src/engine/containerd/ctr.js';

// The acceptance test: on a standalone containerd, a container labelled as the kubelet
// does (payments/api-7d9c/app) whose PID 1 leaves 6 zombies.
const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
let cd: TestContainerd;
const ours = ['app-1', 'sandbox-1', 'side-1'];

function za(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', CONTAINERD_ADDRESS: cd.sock, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function onlyOurs(): Promise<void> {
  const left = await cd.leftovers();
  assert.deepEqual(left.containers.sort(), ours, 'the command made no container');
  assert.deepEqual(left.tasks.sort(), ours, 'and no task');
}

before(async () => {
  cd = await TestContainerd.up('cli');
  const [leaky, noShell] = await Promise.all([cd.importImage('zombie-audit-fixture/leaky-pid1'), cd.importImage('zombie-audit-fixture/no-shell')]);
  await cd.runContainer('sandbox-1', leaky, { namespace: 'payments', pod: 'api-7d9c', sandbox: true }, ['/app']);
  await cd.runContainer('app-1', leaky, { namespace: 'payments', pod: 'api-7d9c', container: 'app' }, ['/app', '--leak', '6']);
  await cd.runContainer('side-1', noShell, { namespace: 'payments', pod: 'api-7d9c', container: 'log' }, ['/app'],
    ['--annotation', 'io.kubernetes.pod.terminationGracePeriod=60']);
  await sleep(300);
});

after(async () => {
  if (!cd) return;
  try {
    await cd.clean();
    assert.deepEqual(await cd.leftovers(), { containers: [], tasks: [], snapshots: [], images: [] });
  } finally {
    cd.down();
  }
});

test('CONTAINERD_ADDRESS=<sock> zombie-audit payments/api-7d9c/app --runtime containerd --json: exactly the 6 zombies, with their parents', async () => {
  const r = za(['payments/api-7d9c/app', '--runtime', 'containerd', '--json']);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.schema, 'zombie-audit/audit@1');
  assert.deepEqual(j.container, { id: 'app-1', name: 'payments/api-7d9c/app', image: 'docker.io/zombie-audit-fixture/leaky-pid1:latest', runtime: 'containerd', pod: { namespace: 'payments', pod: 'api-7d9c', container: 'app' } });
  assert.equal(j.zombies.length, 6);
  assert.deepEqual(j.zombies.map((z: { ppid: number; parentName: string; reaper: string; name: string }) => [z.ppid, z.parentName, z.reaper, z.name]), Array(6).fill([1, 'app', 'pid1', 'app']));
  assert.equal(new Set(j.zombies.map((z: { pid: number }) => z.pid)).size, 6);
  assert.deepEqual(j.zombieParents.map((g: { ppid: number; count: number }) => [g.ppid, g.count]), [[1, 6]]);
  assert.deepEqual(j.processes, { total: 7, live: 1, zombies: 6 });
  assert.deepEqual(j.pid1.argv, ['/app', '--leak', '6']);
  assert.equal(j.stop.outcome, 'killed');
  assert.equal(j.stop.graceSource, 'kubernetes-default');
  assert.equal(j.stop.timeoutSeconds, 30);
  assert.match(j.stop.summary, /^the kubelet \(pod deletion\) will send SIGTERM, wait 30 s and kill it with SIGKILL \(exit 137\).*Kubernetes' default terminationGracePeriodSeconds/);
  assert.deepEqual(j.findings.map((f: { id: string }) => f.id).sort(), ['ZA101', 'ZA201', 'ZA205']);
  assert.match(j.methodText, /host's \/proc/);
  await onlyOurs();
});

test('the human report names the pod and says who stops it; a shell-less container with a recorded grace', async () => {
  const r = za(['payments/api-7d9c/app', '--runtime', 'containerd', '--no-tree']);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^Container payments\/api-7d9c\/app \(docker\.io\/zombie-audit-fixture\/leaky-pid1:latest, app-1\)/);
  assert.match(r.out, /6 zombies/);
  assert.match(r.out, /ZA101/);
  assert.doesNotMatch(r.out, /docker stop|docker run --init|docker run -it/, 'a pod is stopped by the kubelet and has no docker run');
  const side = za(['payments/api-7d9c/log', '--runtime', 'containerd', '--json']);
  assert.equal(side.code, 1, side.err);
  const j = JSON.parse(side.out);
  assert.equal(j.stop.timeoutSeconds, 60);
  assert.equal(j.stop.graceSource, 'kubernetes');
  assert.match(j.stop.summary, /terminationGracePeriodSeconds 60, as the kubelet recorded it/);
  await onlyOurs();
});

test('--all --runtime containerd: every pod container, not the sandbox', async () => {
  const r = za(['--all', '--runtime', 'containerd', '--json']);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.schema, 'zombie-audit/scan@1');
  assert.deepEqual(j.containers.map((c: { container: { name: string } }) => c.container.name), ['payments/api-7d9c/app', 'payments/api-7d9c/log']);
  assert.deepEqual(j.containers.map((c: { processes: { zombies: number } }) => c.processes.zombies), [6, 0]);
  assert.deepEqual([j.failures, j.skipped], [[], []]);
  const h = za(['--all', '--runtime', 'containerd']);
  assert.equal(h.code, 1, h.err);
  assert.match(h.out, /^2 containers audited \(containerd/);
  assert.match(h.out, /payments\/api-7d9c\/app .*│ 6 /);
  assert.doesNotMatch(h.out, /sandbox-1/);
  const f = za(['--all', '--runtime', 'containerd', '--filter', 'label=io.kubernetes.container.name=log', '--json']);
  assert.deepEqual(JSON.parse(f.out).containers.map((c: { container: { id: string } }) => c.container.id), ['side-1']);
  await onlyOurs();
});

test('bad references and addresses: one line, a hint, exit 2 (JSON with --json)', async () => {
  const typo = za(['payments/api-7d9d/app', '--runtime', 'containerd']);
  assert.equal(typo.code, 2);
  assert.match(typo.err, /^zombie-audit: no container "payments\/api-7d9d\/app" in containerd at unix:\/\/.* \(namespace k8s\.io\)\n  hint: did you mean: payments\/api-7d9c\/app/);
  const two = za(['payments/api-7d9c', '--runtime', 'containerd', '--json']);
  assert.equal(two.code, 2);
  assert.equal(JSON.parse(two.out).error.code, 'USAGE');
  const none = za(['payments/api-7d9c/app', '--runtime', 'containerd', '--address', `${cd.dir}/none.sock`]);
  assert.equal(none.code, 2);
  assert.match(none.err, /cannot reach containerd at .*none\.sock.*\n  hint: is containerd running there\?/);
  const ns = za(['payments/api-7d9c/app', '--namespace', 'default']);
  assert.equal(ns.code, 2);
  assert.match(ns.err, /--address and --namespace go with --runtime containerd/);
  const auto = za(['payments/api-7d9c/app', '--runtime', 'auto', '--json'], { DOCKER_HOST: '' });
  // this machine runs dockerd too: auto picks docker, which has no such container
  assert.equal(auto.code, 2);
  await onlyOurs();
});
