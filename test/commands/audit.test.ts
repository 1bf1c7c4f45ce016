import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { engine, removeAll, runId, start } from '../helpers/engine.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const run = runId('cli');
let leaky = '';
let appLeaks = '';
let tini = '';

function za(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  [leaky, appLeaks, tini] = await Promise.all([
    start(run, { image: 'zombie-audit-fixture/leaky-pid1' }),
    start(run, { image: 'zombie-audit-fixture/init-app-leaks' }),
    start(run, { image: 'zombie-audit-fixture/tini' }),
  ]);
  await new Promise((r) => setTimeout(r, 300));
});
after(async () => { await removeAll(run); engine.close(); });

test('zombie-audit <container>: findings exit 1, plain text without a TTY', () => {
  const r = za([leaky]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /ZA101/);
  assert.match(r.out, /docker stop will send SIGTERM, wait 10 s and kill it with SIGKILL \(exit 137\)/);
  assert.doesNotMatch(r.out, /\x1b\[/, 'no colour codes when stdout is not a TTY');
});

test('zombie-audit audit <container> is the same command', () => {
  const a = za(['audit', leaky, '--json']);
  const b = za([leaky, '--json']);
  assert.equal(a.code, 1);
  const ja = JSON.parse(a.out);
  const jb = JSON.parse(b.out);
  assert.equal(ja.container.name, jb.container.name);
  assert.deepEqual(ja.findings.map((f: { id: string }) => f.id), jb.findings.map((f: { id: string }) => f.id));
});

test('--json holds the documented fields', () => {
  const r = za([appLeaks, '--json']);
  const j = JSON.parse(r.out);
  assert.equal(j.schema, 'zombie-audit/audit@1');
  assert.equal(j.container.name, appLeaks);
  assert.equal(j.pid1.name, 'tini');
  assert.equal(j.pid1.kind, 'init');
  assert.deepEqual(Object.keys(j.pid1.signals).sort(), ['HUP', 'INT', 'QUIT', 'TERM']);
  for (const v of Object.values(j.pid1.signals)) assert.ok(['handled', 'forwarded', 'dropped', 'ignored'].includes(v as string));
  assert.equal(j.zombies.length, 4);
  for (const z of j.zombies) {
    assert.deepEqual(Object.keys(z).filter((k) => ['pid', 'name', 'ppid', 'parentName', 'reaper'].includes(k)).sort(), ['name', 'parentName', 'pid', 'ppid', 'reaper']);
    assert.equal(z.reaper, 'parent');
  }
  for (const f of j.findings) assert.ok(f.id && f.severity && f.message);
});

test('--fail-on decides the exit code', () => {
  assert.equal(za([appLeaks, '--fail-on', 'error']).code, 0, 'only a warning');
  assert.equal(za([appLeaks, '--fail-on', 'warning']).code, 1);
  assert.equal(za([leaky, '--fail-on', 'none']).code, 0);
  assert.equal(za([tini]).code, 0, 'tini in front of a TERM-handling app: no finding');
});

test('colour: FORCE_COLOR gives it, NO_COLOR always wins', () => {
  assert.match(za([leaky], { FORCE_COLOR: '1' }).out, /\x1b\[/);
  assert.doesNotMatch(za([leaky], { FORCE_COLOR: '1', NO_COLOR: '1' }).out, /\x1b\[/);
});

test('an unknown container: exit 2, a suggestion, JSON error with --json', () => {
  const r = za([leaky.slice(0, -1)]);
  assert.equal(r.code, 2);
  assert.match(r.err, /no container named or with id/);
  assert.match(r.err, new RegExp(`did you mean: .*${leaky}`));
  const j = za([leaky.slice(0, -1), '--json']);
  assert.equal(j.code, 2);
  assert.equal(JSON.parse(j.out).error.code, 'NOT_FOUND');
});

test('the engine down: exit 2 and how to fix it', () => {
  const r = za(['x'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
  assert.equal(r.code, 2);
  assert.match(r.err, /no Docker engine answers at unix:\/\/\/nonexistent.sock \(DOCKER_HOST\)/);
  assert.match(r.err, /hint: start the engine/);
});

test('usage errors: exit 2', () => {
  assert.equal(za(['--all', leaky]).code, 2);
  assert.equal(za([leaky, '--fail-on', 'bogus']).code, 2);
  assert.equal(za([leaky, '--timeout', '-1']).code, 2);
});

test('through oclif (the command_not_found hook) the audit gives the same result', () => {
  const a = za([leaky, '--json'], { ZOMBIE_AUDIT_NO_FAST_PATH: '1' });
  assert.equal(a.code, 1, a.err);
  assert.equal(JSON.parse(a.out).container.name, leaky);
});

test('--help lists the commands and the audit flags', () => {
  const root = za(['--help']);
  assert.equal(root.code, 0);
  assert.match(root.out, /audit/);
  const h = za(['audit', '--help']);
  assert.equal(h.code, 0);
  for (const flag of ['--all', '--json', '--fail-on', '--method', '--host', '--timeout']) assert.ok(h.out.includes(flag), flag);
});

test('--all: one summary, exit 1 with findings', () => {
  const r = za(['--all', '--json']);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.schema, 'zombie-audit/scan@1');
  const names = j.containers.map((c: { container: { name: string } }) => c.container.name);
  for (const n of [leaky, appLeaks, tini]) assert.ok(names.includes(n), n);
  const t = za(['--all']);
  assert.match(t.out, /containers audited/);
  assert.ok(t.out.includes(leaky));
});

test('permission denied on the engine socket: exit 2 and how to fix it', { skip: process.getuid?.() !== 0 ? 'needs root to run the CLI as another user' : false }, () => {
  const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, BIN, 'some-container'], { encoding: 'utf8', env: { ...process.env, HOME: '/tmp' } });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /permission denied on unix:\/\/\/var\/run\/docker.sock/);
  assert.match(r.stderr, /hint: add your user to the docker group/);
});

test('audit --json on real node as PID 1: the runtime named, stop unknown with the probe command, orphans not reaped (ZA203)', async () => {
  const { waitUp } = await import('../runtimes/harness.js');
  const node = await start(run, { image: 'zombie-audit-runtime/node-plain' });
  await waitUp(node, /^node \/app\/server\.js$/);
  const r = za([node, '--json']);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.pid1.runtime.id, 'node');
  assert.equal(j.pid1.runtime.evidence, 'measured');
  assert.equal(j.stop.outcome, 'unknown');
  assert.match(j.stop.summary, new RegExp(`zombie-audit probe ${node}`));
  assert.equal(j.pid1.reapsChildren, 'no');
  assert.ok(j.findings.some((f: { id: string }) => f.id === 'ZA203'));
  assert.ok(!j.findings.some((f: { id: string }) => f.id === 'ZA201'), 'never "killed" or "graceful" from the TERM bit');
});
