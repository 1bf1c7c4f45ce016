import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { analyze } from '../../../src/analysis/audit.js';
import { collect, containerInfo } from '../../../src/collect/collect.js';
import { HELPER_LABEL } from '../../../src/collect/helper.js';
import { scanHost } from '../../../src/collect/host.js';
import { ZaError } from '../../../src/engine/errors.js';
import { countLabelled, engine, removeAll, runId, start, until } from '../../helpers/engine.js';

const run = runId('collect');
const c: Record<string, string> = {};
const img = (n: string) => `zombie-audit-fixture/${n}`;

before(async () => {
  const names = ['leaky-pid1', 'no-term', 'shell-pid1', 'tini', 'dumb-init', 'catatonit', 'init-app-leaks', 'healthy', 'no-shell'];
  await Promise.all(names.map(async (n) => { c[n] = await start(run, { image: img(n) }); }));
  c['docker-init'] = await start(run, { image: img('no-term'), init: true });
  c['pids-limit'] = await start(run, { image: img('base'), cmd: ['/app', '--leak', '16'], pidsLimit: 20 });
  c['many'] = await start(run, { image: img('base'), cmd: ['/app', '--leak', '3000'] });
  // let the leaking fixtures fork
  await until(async () => (await audit('many')).processes.zombies === 3000, 15000);
});

/** Other test files run helpers at the same time: a leaked one stays, theirs go within seconds. */
const noHelperLeft = () => until(async () => (await countLabelled(HELPER_LABEL)) === 0, 10_000);

after(async () => { await removeAll(run); engine.close(); });

async function audit(k: string, method: 'auto' | 'exec' | 'helper' = 'auto') {
  const r = await collect(engine, c[k], method);
  return analyze(r.snapshot, containerInfo(r.inspect), r.method);
}

test('(a) PID 1 leaking zombies, read live by one exec', async () => {
  const r = await audit('leaky-pid1');
  assert.equal(r.method, 'exec');
  assert.equal(r.processes.zombies, 5);
  assert.ok(r.zombies.every((z) => z.reaper === 'pid1'));
  assert.ok(r.findings.some((f) => f.id === 'ZA101' && f.severity === 'error'));
});

test('(b) no TERM handler, (c) shell as PID 1', async () => {
  const b = await audit('no-term');
  assert.equal(b.pid1.signals.TERM, 'dropped');
  assert.equal(b.stop.outcome, 'killed');
  const s = await audit('shell-pid1');
  assert.equal(s.pid1.kind, 'shell');
  assert.ok(s.findings.some((f) => f.id === 'ZA202'));
});

test('(d, e) the known inits are seen as forwarding TERM', async () => {
  for (const k of ['tini', 'dumb-init', 'catatonit', 'docker-init']) {
    const r = await audit(k);
    assert.equal(r.pid1.kind, 'init', k);
    assert.equal(r.pid1.signals.TERM, 'forwarded', k);
    assert.notEqual(r.stop.outcome, 'killed', k);
  }
  assert.equal((await audit('docker-init')).pid1.init, 'docker-init');
});

test('(f) zombies held by the app behind tini are the app\'s', async () => {
  const r = await audit('init-app-leaks');
  assert.equal(r.processes.zombies, 4);
  assert.ok(r.zombies.every((z) => z.reaper === 'parent' && z.parentName === 'app'));
  assert.deepEqual(r.findings.map((f) => f.id), ['ZA102']);
});

test('(g) an image with no shell and no ps: read by the helper, which is removed', async () => {
  await assert.rejects(audit('no-shell', 'exec'), (e: unknown) => e instanceof ZaError && e.code === 'NO_SHELL');
  const r = await audit('no-shell');
  assert.equal(r.method, 'helper');
  assert.equal(r.processes.zombies, 3);
  assert.deepEqual(r.pid1.argv, ['/app', '--leak', '3']);
  assert.ok(await noHelperLeft(), 'no helper container left');
});

test('(h) a healthy app handles TERM and reaps', async () => {
  const r = await audit('healthy');
  assert.equal(r.pid1.signals.TERM, 'handled');
  assert.equal(r.processes.zombies, 0);
  assert.equal(r.processes.live, 3);
  assert.ok(!r.findings.some((f) => f.severity !== 'info'));
});

test('the audit writes nothing into the container and leaves no process behind', async () => {
  for (const k of ['tini', 'no-shell']) {
    const beforeIds = (await audit(k)).tree.flatMap(function walk(n): number[] { return [n.pid, ...n.children.flatMap(walk)]; });
    const again = await audit(k);
    const afterIds = again.tree.flatMap(function walk(n): number[] { return [n.pid, ...n.children.flatMap(walk)]; });
    assert.deepEqual(afterIds, beforeIds, `${k}: same processes before and after`);
    const changes = await engine.json<unknown[] | null>('GET', `/containers/${c[k]}/changes`);
    assert.deepEqual(changes ?? [], [], `${k}: docker diff is empty`);
  }
});

test('a PID limit near full is read from the pids cgroup and flagged', async () => {
  const r = await audit('pids-limit');
  assert.equal(r.pids.max, 20);
  assert.equal(r.pids.current, 17);
  assert.ok(r.findings.some((f) => f.id === 'ZA103'));
});

test('3,000 zombies: every one is listed, grouped under its parent, tree collapsed', async () => {
  const r = await audit('many');
  assert.equal(r.processes.zombies, 3000);
  assert.deepEqual(r.zombieParents.map((g) => [g.ppid, g.count]), [[1, 3000]]);
  assert.ok(JSON.stringify(r.tree).length < 5000, 'the tree is collapsed');
  const h = await audit('many', 'helper');
  assert.equal(h.processes.zombies, 3000);
});

test('the host-wide scan agrees with per-container reads', async () => {
  const ids = Object.values(c);
  const host = await scanHost(engine, ids);
  assert.equal(host.reports.length, ids.length);
  for (const k of Object.keys(c)) {
    const h = host.reports.find((r) => r.container.name === c[k])!;
    const e = await audit(k);
    assert.equal(h.method, 'host');
    assert.equal(h.pid1.kind, e.pid1.kind, k);
    assert.deepEqual(h.pid1.signals, e.pid1.signals, k);
    assert.equal(h.processes.zombies, e.processes.zombies, k);
    assert.deepEqual(h.zombieParents.map((g) => [g.ppid, g.count]), e.zombieParents.map((g) => [g.ppid, g.count]), k);
    assert.deepEqual(h.findings.map((f) => f.id).filter((id) => id !== 'ZA103'), e.findings.map((f) => f.id).filter((id) => id !== 'ZA103'), k);
  }
  assert.ok(await noHelperLeft(), 'no helper container left');
});

test('unknown, paused and stopped containers get clear errors', async () => {
  await assert.rejects(collect(engine, c['tini'] + 'x'), (e: unknown) =>
    e instanceof ZaError && e.code === 'NOT_FOUND' && (e.hint ?? '').includes(c['tini']));
  await engine.request('POST', `/containers/${c['healthy']}/pause`);
  try {
    await assert.rejects(collect(engine, c['healthy']), (e: unknown) => e instanceof ZaError && e.code === 'PAUSED');
  } finally {
    await engine.request('POST', `/containers/${c['healthy']}/unpause`);
  }
  const stopped = await start(run, { image: img('tini') });
  await engine.request('POST', `/containers/${stopped}/stop`, { query: { t: 5 } });
  await assert.rejects(collect(engine, stopped), (e: unknown) => e instanceof ZaError && e.code === 'NOT_RUNNING' && /not running \(exited, exit code 0\)/.test(e.message));
});
