import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sleep } from '../helpers/engine.js';
import { TestContainerd } from '../src/engine/containerd/ctr.js';

// `zombie-audit probe --runtime containerd` on a standalone containerd: the orphan is made in the
// task's PID namespace from the node (a shell-less image here), the live-safe TERM check signals
// only a PID 1 that /proc proves drops it.
const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
let cd: TestContainerd;
let leakyPid = 0;
let healthyPid = 0;

function za(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '', CONTAINERD_ADDRESS: cd.sock },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  cd = await TestContainerd.up('probe');
  const [noShell, healthy] = await Promise.all([cd.importImage('zombie-audit-fixture/no-shell'), cd.importImage('zombie-audit-fixture/healthy')]);
  leakyPid = await cd.runContainer('leaky-1', noShell, { namespace: 'payments', pod: 'worker-1', container: 'worker' }, ['/app', '--leak', '2']);
  healthyPid = await cd.runContainer('healthy-1', healthy, { namespace: 'payments', pod: 'web-1', container: 'web' }, ['/app', '--term', '--reap', '--sleepers', '1']);
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

test('probe: a shell-less PID 1 that never reaps keeps the orphan; TERM is verified dropped on the live task, which still runs', async () => {
  const r = za(['probe', 'payments/worker-1/worker', '--runtime', 'containerd', '--json']);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.container.name, 'payments/worker-1/worker');
  assert.equal(j.zombieProbe.reaped, false);
  assert.equal(j.zombieProbe.reparentedTo, 1);
  assert.ok(j.zombieProbe.orphanPid > 1);
  assert.equal(j.termProbe.method, 'live-safe');
  assert.equal(j.termProbe.verdict, 'ignored');
  assert.deepEqual(j.findings.map((f: { id: string }) => f.id).sort(), ['ZA301', 'ZA302']);
  assert.match(j.findings.find((f: { id: string }) => f.id === 'ZA302').message, /the kubelet will wait 30 s/);
  assert.equal(j.leaves.length, 1);
  assert.equal(await cd.pid('leaky-1'), leakyPid, 'the same task still runs');
  // the orphan it made is now one more zombie of PID 1, as the audit sees it
  const a = JSON.parse(za(['payments/worker-1/worker', '--runtime', 'containerd', '--json']).out);
  assert.equal(a.processes.zombies, 3);
  assert.ok(a.zombies.some((z: { pid: number; ppid: number }) => z.pid === j.zombieProbe.orphanPid && z.ppid === 1));
});

test('probe: a PID 1 that reaps and handles TERM: the orphan is reaped, TERM is not sent', async () => {
  const r = za(['probe', 'payments/web-1/web', '--runtime', 'containerd', '--json']);
  assert.equal(r.code, 0, r.out + r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.zombieProbe.reaped, true);
  assert.ok(j.zombieProbe.ms < 1000);
  assert.equal(j.termProbe, undefined);
  assert.deepEqual(j.findings.map((f: { id: string }) => f.id), ['ZA305']);
  assert.deepEqual(j.leaves, []);
  assert.equal(await cd.pid('healthy-1'), healthyPid, 'never signalled');
  const left = await cd.leftovers();
  assert.deepEqual(left.containers.sort(), ['healthy-1', 'leaky-1'], 'the probe made no container');
});

test('probe --live on containerd: refused, exit 2', () => {
  const r = za(['probe', 'payments/web-1/web', '--runtime', 'containerd', '--live', '--yes']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--live is not supported with --runtime containerd/);
});
