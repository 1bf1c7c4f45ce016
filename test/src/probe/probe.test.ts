import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { InspectJSON } from '../../../src/collect/collect.js';
import { probe, type ProbeOptions } from '../../../src/probe/probe.js';
import { PROBE_LABEL } from '../../../src/probe/sandbox.js';
import { countLabelled, engine, execText, removeAll, runId, start, until } from '../../helpers/engine.js';

const run = runId('probe');
const c: Record<string, string> = {};
const img = (n: string) => `zombie-audit-fixture/${n}`;
const opts = (o: Partial<ProbeOptions> = {}): ProbeOptions => ({
  signals: [], zombieTimeoutMs: 1000, live: false, leaveStopped: false, settleMs: 500, skipZombie: false, skipTerm: false, ...o,
});
const inspect = (name: string) => engine.json<InspectJSON>('GET', `/containers/${name}/json`);
const noSandboxLeft = () => until(async () => (await countLabelled(PROBE_LABEL)) === 0, 10_000);

before(async () => {
  for (const n of ['leaky-pid1', 'tini', 'dumb-init', 'catatonit', 'healthy', 'no-shell']) c[n] = await start(run, { image: img(n) });
  c['docker-init'] = await start(run, { image: img('no-term'), init: true });
  c['ignores-term'] = await start(run, { image: img('base'), entrypoint: ['/sbin/tini', '--'], cmd: ['/app', '--ignore-term'] });
  await new Promise((r) => setTimeout(r, 300));
});
after(async () => { await removeAll(run); engine.close(); });

test('zombie probe: PID 1 that never reaps keeps the orphan; the inits reap it', async () => {
  const leaky = await probe(engine, c['leaky-pid1'], opts({ skipTerm: true }));
  assert.equal(leaky.zombieProbe!.reaped, false);
  assert.equal(leaky.zombieProbe!.reparentedTo, 1);
  assert.match(leaky.zombieProbe!.summary, /PID 1 leaks zombies: the probe's orphan \(pid \d+\) is still a zombie after \d+\.\d s/);
  assert.ok(leaky.findings.some((f) => f.id === 'ZA301'));
  assert.equal(leaky.leaves.length, 1, 'says what it leaves: that one zombie');
  const zpid = leaky.zombieProbe!.orphanPid;
  assert.match(await execText(c['leaky-pid1'], ['/bin/sh', '-c', `read -r s < /proc/${zpid}/stat; echo "$s"`]), / Z 1 /);
  for (const k of ['tini', 'dumb-init', 'catatonit', 'healthy']) {
    const r = await probe(engine, c[k], opts({ skipTerm: true }));
    assert.equal(r.zombieProbe!.reaped, true, k);
    assert.ok(r.zombieProbe!.ms! < 200, `${k}: reaped in ${r.zombieProbe!.ms} ms`);
    assert.deepEqual(r.leaves, [], k);
  }
});

test('zombie probe without a shell: through the helper', async () => {
  const r = await probe(engine, c['no-shell'], opts({ skipTerm: true }));
  assert.equal(r.zombieProbe!.method, 'helper');
  assert.equal(r.zombieProbe!.reaped, false);
});

test('TERM dropped by PID 1: sent live (harmless), verified ignored, container untouched', async () => {
  const before0 = await inspect(c['leaky-pid1']);
  const r = await probe(engine, c['leaky-pid1'], opts({ skipZombie: true }));
  assert.equal(r.termProbe!.method, 'live-safe');
  assert.equal(r.termProbe!.verdict, 'ignored');
  assert.ok(r.findings.some((f) => f.id === 'ZA302'));
  const after0 = await inspect(c['leaky-pid1']);
  assert.ok(after0.State.Running);
  assert.equal(after0.State.StartedAt, before0.State.StartedAt);
});

test('never stops a container whose PID 1 is tini, dumb-init, catatonit or docker-init: tests a sandbox', async () => {
  for (const k of ['tini', 'dumb-init', 'catatonit', 'docker-init', 'healthy']) {
    const b = await inspect(c[k]);
    const r = await probe(engine, c[k], opts({ skipZombie: true }));
    assert.equal(r.termProbe!.method, 'sandbox', k);
    // sleep under docker-init has no handler: it dies of TERM (143), a prompt stop that drains nothing
    assert.equal(r.termProbe!.verdict, k === 'docker-init' ? 'signal-exit' : 'graceful', k);
    assert.ok(r.termProbe!.readySeconds !== undefined, `${k}: the copy was compared with the live container first`);
    assert.ok(r.termProbe!.seconds < 3, `${k}: ${r.termProbe!.seconds} s`);
    const a = await inspect(c[k]);
    assert.ok(a.State.Running, `${k} still running`);
    assert.equal(a.State.StartedAt, b.State.StartedAt, `${k} not restarted`);
  }
  assert.ok(await noSandboxLeft(), 'no sandbox left');
});

test('exit codes: an app handling TERM exits 0; sleep under docker-init dies of it (143, ZA306)', async () => {
  const h = await probe(engine, c['tini'], opts({ skipZombie: true }));
  assert.equal(h.termProbe!.exitCode, 0);
  assert.match(h.termProbe!.summary, /stops gracefully in \d\.\d s \(exit 0\)/);
  const d = await probe(engine, c['docker-init'], opts({ skipZombie: true }));
  assert.equal(d.termProbe!.exitCode, 143);
  assert.equal(d.termProbe!.exitMeaning, '143 = 128+15 (SIGTERM): it died of SIGTERM');
  assert.ok(d.findings.some((f) => f.id === 'ZA306'));
});

test('an app that ignores TERM behind tini: killed after the grace period (137)', async () => {
  const r = await probe(engine, c['ignores-term'], opts({ skipZombie: true, graceSeconds: 2 }));
  assert.equal(r.termProbe!.method, 'sandbox');
  assert.equal(r.termProbe!.verdict, 'killed');
  assert.equal(r.termProbe!.exitCode, 137);
  assert.ok(r.termProbe!.seconds >= 2 && r.termProbe!.seconds < 5, String(r.termProbe!.seconds));
  assert.match(r.termProbe!.summary, /docker stop takes [2-4]\.\d s and kills with SIGKILL \(exit 137\)/);
  assert.ok(r.findings.some((f) => f.id === 'ZA302'));
  assert.ok((await inspect(c['ignores-term'])).State.Running);
});

test('--signal INT on an app that handles only TERM: dropped, verified live-safe (ZA304)', async () => {
  const r = await probe(engine, c['healthy'], opts({ skipZombie: true, signals: [2] }));
  assert.equal(r.termProbe, undefined);
  assert.equal(r.signalProbes[0].signal, 'SIGINT');
  assert.equal(r.signalProbes[0].verdict, 'ignored');
  assert.equal(r.signalProbes[0].method, 'live-safe');
  assert.ok(r.findings.some((f) => f.id === 'ZA304'));
});

test('a sandbox that cannot start (needs its volume): said, the rest still reported, volume data intact', async () => {
  const own = runId('probe-vol');
  const vol = `${own}-data`;
  await engine.json('POST', '/volumes/create', { body: { Name: vol, Labels: { 'zombie-audit.test': own } } });
  try {
    const seed = await engine.json<{ Id: string }>('POST', '/containers/create', { body: {
      Image: img('base'), Cmd: ['sh', '-c', 'echo precious > /data/ok'], Labels: { 'zombie-audit.test': own },
      HostConfig: { NetworkMode: 'none', Binds: [`${vol}:/data`] } } });
    await engine.request('POST', `/containers/${seed.Id}/start`);
    await engine.request('POST', `/containers/${seed.Id}/wait`);
    const created = await engine.json<{ Id: string }>('POST', '/containers/create', { query: { name: `${own}-needsvol` }, body: {
      Image: img('base'), Entrypoint: ['/sbin/tini', '--'], Cmd: ['sh', '-c', 'test -f /data/ok && exec /app --term'],
      Labels: { 'zombie-audit.test': own }, HostConfig: { NetworkMode: 'none', Binds: [`${vol}:/data`] } } });
    await engine.request('POST', `/containers/${created.Id}/start`);
    await new Promise((r) => setTimeout(r, 300));
    const r = await probe(engine, created.Id, opts());
    assert.equal(r.zombieProbe!.reaped, true, 'the zombie probe still ran');
    assert.equal(r.termProbe, undefined);
    const f = r.findings.find((x) => x.id === 'ZA305');
    assert.ok(f);
    assert.match(f.message, /sandbox copy exited within 0.5 s \(exit code 1\)/);
    assert.ok((await inspect(created.Id)).State.Running);
    assert.equal(await execText(created.Id, ['cat', '/data/ok']), 'precious\n');
    assert.ok(await noSandboxLeft());
  } finally {
    await removeAll(own);
    await engine.request('DELETE', `/volumes/${vol}`);
  }
});

test('PID 1 exits while a background job still runs: the job is killed without a signal (ZA303)', async () => {
  const name = await start(run, { image: img('base'), cmd: ['sh', '-c', "trap 'sleep 0.3; exit 0' TERM; sleep 100000 & while :; do sleep 1 & wait $!; done"] });
  await new Promise((r) => setTimeout(r, 300));
  const r = await probe(engine, name, opts({ skipZombie: true }));
  assert.equal(r.termProbe!.method, 'sandbox');
  assert.equal(r.termProbe!.exitCode, 0);
  const job = r.termProbe!.children.find((c) => c.name === 'sleep' && c.fate === 'killed-with-pid1');
  assert.ok(job, JSON.stringify(r.termProbe!.children));
  assert.ok(r.findings.some((f) => f.id === 'ZA303'));
});

const BIN = fileURLToPath(new URL('../../../../bin/run.js', import.meta.url));

test('Ctrl-C during the stop test removes the sandbox; exit 130', async () => {
  const name = await start(run, { image: img('base'), entrypoint: ['/sbin/tini', '--'], cmd: ['/app', '--ignore-term'] });
  const child = spawn(process.execPath, [BIN, 'probe', name, '--only', 'term', '--grace', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  assert.ok(await until(async () => (await countLabelled(PROBE_LABEL)) > 0, 15_000), 'sandbox started');
  await new Promise((r) => setTimeout(r, 800));
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  assert.equal(await countLabelled(PROBE_LABEL), 0, 'sandbox removed');
  assert.ok((await inspect(name)).State.Running);
});

test('--live needs --yes; with it, the real container is stopped, measured and started again', async () => {
  const r0 = spawn(process.execPath, [BIN, 'probe', c['tini'], '--live']);
  const code = await new Promise((r) => r0.on('exit', r));
  assert.equal(code, 2);
  const b = await inspect(c['tini']);
  const r = await probe(engine, c['tini'], opts({ skipZombie: true, live: true }));
  assert.equal(r.termProbe!.method, 'live');
  assert.equal(r.termProbe!.verdict, 'graceful');
  assert.match(r.termProbe!.summary, /started again/);
  const a = await inspect(c['tini']);
  assert.ok(a.State.Running);
  assert.notEqual(a.State.StartedAt, b.State.StartedAt);
});
