/** The runtime seam's Docker implementation against the real engine. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DockerRuntime, filterMap } from '../../../src/engine/docker.js';
import { closeNames } from '../../../src/engine/names.js';
import { ZaError } from '../../../src/engine/errors.js';
import { parseSnapshot } from '../../../src/proc/snapshot.js';
import { engine, removeAll, RUN_LABEL, runId, start, until } from '../../helpers/engine.js';

const run = runId('seam');
const rt = new DockerRuntime(engine);
let leaky = '';
let noShell = '';
let healthy = '';

before(async () => {
  [leaky, noShell, healthy] = await Promise.all([
    start(run, { image: 'zombie-audit-fixture/leaky-pid1', stopTimeout: 3, pidsLimit: 64 }),
    start(run, { image: 'zombie-audit-fixture/no-shell' }),
    start(run, { image: 'zombie-audit-fixture/healthy', stopSignal: 'SIGTERM' }),
  ]);
});
after(async () => { await removeAll(run); engine.close(); });

test('find: by name, full id and id prefix, with what every command needs', async () => {
  const byName = await rt.find(leaky);
  assert.equal(byName.runtime, 'docker');
  assert.equal(byName.name, leaky);
  assert.equal(byName.image, 'zombie-audit-fixture/leaky-pid1');
  assert.equal(byName.state, 'running');
  assert.ok(byName.hostPid && byName.hostPid > 1, 'a host pid');
  assert.equal(byName.stopTimeoutSeconds, 3);
  assert.equal(byName.graceSource, 'container');
  assert.equal(byName.pidsLimit, 64);
  assert.equal(byName.labels[RUN_LABEL], run);
  assert.equal((await rt.find(byName.id)).name, leaky);
  assert.equal((await rt.find(byName.id.slice(0, 12))).name, leaky);
  const h = await rt.find(healthy);
  assert.equal(h.graceSource, 'engine-default');
  assert.equal(h.stopTimeoutSeconds, 10);
  assert.equal(h.stopSignal, 'SIGTERM');
  assert.equal(h.pidsLimit, undefined);
});

test('find: an unknown name is NOT_FOUND with suggestions', async () => {
  const typo = leaky.slice(0, -1) + (leaky.endsWith('x') ? 'y' : 'x');
  await assert.rejects(rt.find(typo), (e: unknown) => {
    assert.ok(e instanceof ZaError);
    assert.equal(e.code, 'NOT_FOUND');
    assert.match(e.hint ?? '', new RegExp(`did you mean: .*${leaky}`));
    return true;
  });
  assert.deepEqual(closeNames('web-1', ['web-2', 'db', 'web-10']), ['web-10', 'web-2']);
  assert.deepEqual(filterMap(['label=a=b', 'name=x', 'label=c']), { label: ['a=b', 'c'], name: ['x'] });
  assert.throws(() => filterMap(['nokey']), ZaError);
});

test('list: docker ps filters', async () => {
  const mine = await rt.list({ filters: [`label=${RUN_LABEL}=${run}`] });
  assert.deepEqual(mine.map((c) => c.name).sort(), [leaky, noShell, healthy].sort());
  const one = await rt.list({ filters: [`label=${RUN_LABEL}=${run}`, `name=${noShell}`] });
  assert.deepEqual(one.map((c) => c.name), [noShell]);
});

test('exec: an argv, demultiplexed output and the exit code', async () => {
  const id = (await rt.find(leaky)).id;
  const r = await rt.exec(id, ['/bin/sh', '-c', 'echo "$1"; echo err >&2; exit 3', 'sh', 'a b;$(x)']);
  assert.deepEqual(r, { stdout: 'a b;$(x)\n', stderr: 'err\n', exitCode: 3 });
});

test('readProcesses: a shell-less image, read from the host side', async () => {
  const c = await rt.find(noShell);
  const raw = await rt.readProcesses(c);
  assert.ok(Buffer.isBuffer(raw));
  const snap = parseSnapshot(raw.toString('latin1'));
  assert.ok(snap.complete);
  assert.ok(snap.procs.has(1), 'PID 1 in the container\'s numbering');
});

test('signal: TERM reaches a PID 1 that handles it; a bad name is refused', async () => {
  await assert.rejects(rt.signal(healthy, 'TERM; rm -rf /'), (e: unknown) => e instanceof ZaError && e.code === 'USAGE');
  await rt.signal(healthy, 'TERM');
  assert.ok(await until(async () => (await rt.find(healthy)).state === 'stopped', 15_000), 'it stopped on TERM');
  const c = await rt.find(healthy);
  assert.equal(typeof c.exitCode, 'number');
});
