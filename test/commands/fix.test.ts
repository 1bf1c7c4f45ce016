import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { InspectJSON } from '../../src/collect/collect.js';
import { PROBE_LABEL } from '../../src/probe/sandbox.js';
import { countLabelled, engine, execText, RUN_LABEL, removeAll, runId, start } from '../helpers/engine.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const run = runId('fix');
const za = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const inspect = (n: string) => engine.json<InspectJSON & { HostConfig: { RestartPolicy: { Name: string }; Init?: boolean } }>('GET', `/containers/${n}/json`);
const images: string[] = [];
const volumes: string[] = [];

/** a leaking app with a named volume, an anonymous one, a restart policy and a label; data written after start */
async function withData(name: string): Promise<void> {
  const vol = `${run}-${name}`;
  volumes.push(vol);
  await engine.json('POST', '/volumes/create', { body: { Name: vol } });
  const c = await engine.json<{ Id: string }>('POST', '/containers/create', { query: { name }, body: {
    Image: 'zombie-audit-fixture/leaky-pid1', Labels: { [RUN_LABEL]: run, team: 'payments' }, Volumes: { '/anon': {} },
    HostConfig: { NetworkMode: 'none', Binds: [`${vol}:/data`], RestartPolicy: { Name: 'unless-stopped' } } } });
  await engine.request('POST', `/containers/${c.Id}/start`);
  await execText(name, ['sh', '-c', 'echo named > /data/f; echo anonymous > /anon/f']);
}

after(async () => {
  await removeAll(run);
  for (const i of images) await engine.request('DELETE', `/images/${encodeURIComponent(i)}`, { query: { force: 1 } });
  for (const v of volumes) await engine.request('DELETE', `/volumes/${v}`);
  engine.close();
});

let leaky = '';
before(async () => { leaky = await start(run, { image: 'zombie-audit-fixture/leaky-pid1' }); });

test('fix <container>: a fixed image that reaps and stops gracefully; the original untouched', async () => {
  const tag = `zombie-audit-test/${run}:fixed`;
  images.push(tag);
  const b = await inspect(leaky);
  const r = za(['fix', leaky, '--tag', tag, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.schema, 'zombie-audit/fix@1');
  assert.deepEqual(j.image.entrypoint, ['/za-shim', '--']);
  assert.equal(j.before.probe.zombieProbe.reaped, false);
  assert.equal(j.after.probe.zombieProbe.reaped, true);
  assert.equal(j.after.probe.pid1.init, 'zombie-audit-shim');
  assert.notEqual(j.after.probe.termProbe.verdict, 'killed');
  assert.ok(j.after.probe.termProbe.seconds < 2);
  const img = await engine.json<{ Config: { Entrypoint: string[]; Cmd: string[]; Labels: Record<string, string> } }>('GET', `/images/${encodeURIComponent(tag)}/json`);
  assert.deepEqual(img.Config.Cmd, ['/app', '--leak', '5'], 'the command is kept');
  assert.ok(img.Config.Labels['zombie-audit.fixed-from']);
  const a = await inspect(leaky);
  assert.equal(a.State.StartedAt, b.State.StartedAt);
  assert.equal(await countLabelled(PROBE_LABEL), 0);
});

test('refuses where an init is already PID 1, and says what to do', async () => {
  const t = await start(run, { image: 'zombie-audit-fixture/init-app-leaks' });
  await new Promise((r) => setTimeout(r, 300));
  const r = za(['fix', t]);
  assert.equal(r.code, 2);
  assert.match(r.err, /already has an init as PID 1 \(tini\)/);
  assert.match(r.err, /held by pid \d+ \(app\)/);
});

test('--recreate: same name, config, volumes (anonymous too), restart policy, labels; data intact; PID 1 the shim', async () => {
  const name = `${run}-rec`;
  await withData(name);
  const tag = `zombie-audit-test/${run}:rec`;
  images.push(tag);
  const r = za(['fix', name, '--recreate', '--tag', tag, '--no-probe']);
  assert.equal(r.code, 0, r.err);
  const n = await inspect(name);
  assert.ok(n.State.Running);
  assert.equal(n.Config.Image, tag);
  assert.equal(n.HostConfig.RestartPolicy.Name, 'unless-stopped');
  assert.equal(n.Config.Labels?.team, 'payments');
  assert.equal(await execText(name, ['cat', '/data/f', '/anon/f']), 'named\nanonymous\n');
  assert.match(await execText(name, ['cat', '/proc/1/cmdline']), /^\/za-shim\0--\0/);
  assert.equal((await engine.json<unknown[]>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ name: [`${name}-zombie-audit-old`] }) } })).length, 0, 'old one removed');
});

test('a forced failure in the middle of --recreate leaves the original running as it was', async () => {
  for (const step of ['after-stop', 'after-rename', 'after-create', 'after-start']) {
    const name = `${run}-fail-${step}`;
    await withData(name);
    const b = await inspect(name);
    const r = za(['fix', name, '--recreate', '--no-probe', '--tag', `zombie-audit-test/${run}:f`], { ZOMBIE_AUDIT_FAIL_AT: step });
    assert.equal(r.code, 2, `${step}: ${r.err}`);
    assert.match(r.err, new RegExp(`forced failure at ${step}`));
    const a = await inspect(name);
    assert.equal(a.Id, b.Id, `${step}: the same container`);
    assert.ok(a.State.Running, `${step}: running`);
    assert.equal(a.Name, `/${name}`);
    assert.equal(await execText(name, ['cat', '/data/f', '/anon/f']), 'named\nanonymous\n');
    const all = await engine.json<Array<{ Names: string[] }>>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ name: [name] }) } });
    assert.equal(all.length, 1, `${step}: no second container left: ${JSON.stringify(all.map((c) => c.Names))}`);
  }
  images.push(`zombie-audit-test/${run}:f`);
});

test('changes in the writable layer: refused without --commit-changes, kept with it', async () => {
  const name = `${run}-diff`;
  await start(run, { image: 'zombie-audit-fixture/leaky-pid1', name });
  await execText(name, ['sh', '-c', 'echo state > /etc/app-state']);
  const r = za(['fix', name, '--recreate', '--no-probe']);
  assert.equal(r.code, 2);
  assert.match(r.err, /data in its writable layer outside volumes \(docker diff\): \/etc\/app-state/);
  const tag = `zombie-audit-test/${run}:diff`;
  images.push(tag);
  const ok = za(['fix', name, '--recreate', '--no-probe', '--commit-changes', '--tag', tag]);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(await execText(name, ['cat', '/etc/app-state']), 'state\n');
});

test('runtime state (/run, /tmp, /var/log, *.pid, *.sock) is not data: recreated, and listed as what the new one starts without', async () => {
  const name = `${run}-runtime`;
  await start(run, { image: 'zombie-audit-fixture/leaky-pid1', name });
  await execText(name, ['sh', '-c', 'mkdir -p /run /var/log && echo 1 > /run/app.pid && echo x > /tmp/s.sock && echo log > /var/log/app.log && echo 2 > /srv.lock']);
  const tag = `zombie-audit-test/${run}:runtime`;
  images.push(tag);
  const r = za(['fix', name, '--recreate', '--no-probe', '--yes', '--tag', tag, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  for (const p of ['/run/app.pid', '/tmp/s.sock', '/var/log/app.log', '/srv.lock']) assert.ok(j.startsWithout.includes(p), `${p} in ${j.startsWithout}`);
  assert.ok((await inspect(name)).State.Running);
  assert.match(j.image.id, /^sha256:[0-9a-f]{64}$/);
  const again = za(['fix', name, '--recreate', '--no-probe']);
  assert.match(again.err, /already has an init as PID 1/, 'the fixed one is seen as fixed');
});

test('--strategy docker-init --recreate: the engine\'s init, no image', async () => {
  const name = `${run}-di`;
  await withData(name);
  const r = za(['fix', name, '--strategy', 'docker-init', '--recreate', '--no-probe']);
  assert.equal(r.code, 0, r.err);
  const n = await inspect(name);
  assert.equal(n.HostConfig.Init, true);
  assert.match(await execText(name, ['cat', '/proc/1/cmdline']), /docker-init/);
  assert.equal(za(['fix', name, '--strategy', 'docker-init']).code, 2, 'needs --recreate');
});

test('shim export writes the static binary atomically and refuses to overwrite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-export-'));
  const r = za(['shim', 'export', dir]);
  assert.equal(r.code, 0, r.err);
  const f = join(dir, 'za-shim');
  assert.ok(existsSync(f));
  assert.equal(statSync(f).mode & 0o777, 0o755);
  assert.ok(statSync(f).size < 30_000);
  assert.match(r.out, /COPY .*za-shim \/za-shim/);
  assert.equal(za(['shim', 'export', dir]).code, 2);
  assert.equal(za(['shim', 'export', dir, '--force']).code, 0);
  const all = za(['shim', 'export', dir, '--arch', 'all']);
  assert.equal(all.code, 0, all.err);
  assert.ok(existsSync(join(dir, 'za-shim-arm64')));
});
