/**
 * zombie-audit doctor: with a dockerd of the test's own on a non-default socket, and with the
 * engine address pointing at nothing; the process classifier on `ps` lines captured on this
 * project's machines.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { classify, flagValues } from '../../src/engine/discover.js';
import { startDockerd, type OwnDockerd } from '../helpers/dockerd.js';
import { runId } from '../helpers/engine.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
let own: OwnDockerd | undefined;

interface Ran { code: number | null; out: string; err: string }
function za(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 }, (err, out, errText) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out, err: errText });
    });
  });
}

before(async () => { own = await startDockerd({ name: runId('doctor') }); });
after(async () => { await own?.stop(); });

test('doctor against a dockerd on a non-default socket: every check, that dockerd found with its -H', async () => {
  const r = await za(['doctor', '--json', '--host', `unix://${own!.socket}`]);
  assert.ok(r.code === 0 || r.code === 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.schema, 'zombie-audit/doctor@1');
  const by = Object.fromEntries(j.checks.map((c: { check: string }) => [c.check, c]));
  assert.deepEqual(Object.keys(by).sort(), ['cgroup', 'engine', 'engines', 'helper', 'pid_max', 'socket']);
  assert.equal(by.engine.status, 'ok', by.engine.text);
  assert.match(j.engine.apiVersion, /^1\.\d+$/);
  assert.equal(by.socket.status, 'ok');
  assert.match(by.socket.text, new RegExp(own!.socket.replace(/[/.]/g, '\\$&')));
  assert.equal(by.helper.status, 'ok', by.helper.text);
  const mine = j.engines.find((e: { pid: number }) => e.pid === own!.pid);
  assert.ok(mine, `our dockerd (pid ${own!.pid}) is among ${JSON.stringify(j.engines.map((e: { pid: number }) => e.pid))}`);
  assert.equal(mine.kind, 'dockerd');
  assert.deepEqual(mine.listens, [`unix://${own!.socket}`]);
  assert.equal(j.problems, j.checks.filter((c: { status: string }) => c.status === 'problem').length);
  assert.equal(r.code, j.problems > 0 ? 1 : 0);

  // the human form: one line per check, ok / PROBLEM / skipped first
  const h = await za(['doctor', '--host', `unix://${own!.socket}`]);
  const lines = h.out.trim().split('\n');
  assert.equal(lines.length, 6, h.out);
  for (const l of lines) assert.match(l, /^(ok {5}|PROBLEM|skipped) {2}(engine|engines|socket|cgroup|pid_max|helper) /);
});

test('doctor with the engine address pointing at nothing: problems with fixes naming a running engine, exit 1', async () => {
  const r = await za(['doctor', '--json'], { DOCKER_HOST: 'unix:///nonexistent/za-doctor.sock' });
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  const by = Object.fromEntries(j.checks.map((c: { check: string }) => [c.check, c]));
  assert.equal(by.engine.status, 'problem');
  assert.match(by.engine.text, /no Docker engine answers at unix:\/\/\/nonexistent\/za-doctor\.sock/);
  assert.equal(by.engines.status, 'problem');
  assert.match(by.engines.text, new RegExp(`dockerd pid ${own!.pid} at unix://${own!.socket.replace(/[/.]/g, '\\$&')}`));
  assert.match(by.engines.fix, /^use one of them: --host unix:\/\//);
  assert.equal(by.socket.status, 'problem');
  assert.equal(by.helper.status, 'skipped');
  // the same diagnosis as the audit's hint when its engine does not answer
  const a = await za(['some-container'], { DOCKER_HOST: 'unix:///nonexistent/za-doctor.sock' });
  assert.equal(a.code, 2);
  assert.match(a.err, new RegExp(`hint: start the engine, or point --host / DOCKER_HOST at one that runs here: .*dockerd at unix://${own!.socket.replace(/[/.]/g, '\\$&')}`));
  // a bad flag is a usage error
  const u = await za(['doctor', '--timeout', 'x']);
  assert.equal(u.code, 2);
});

test('the classifier on ps lines captured on this project\'s machines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-cd-'));
  writeFileSync(join(dir, 'config.toml'), 'version = 2\nroot = "/tmp/x/root"\n[grpc]\n  address = "/tmp/x/containerd.sock"\n[plugins]\n');
  const found = classify([
    { pid: 2914, ppid: 1, uid: 0, name: 'dockerd', cmd: 'dockerd --bridge=none --iptables=false --ip6tables=false' },
    { pid: 2932, ppid: 2914, uid: 0, name: 'containerd', cmd: 'containerd --config /var/run/docker/containerd/containerd.toml --log-level info' },
    { pid: 13198, ppid: 1, uid: 0, name: 'containerd', cmd: `containerd --config ${join(dir, 'config.toml')} --log-level warn` },
    { pid: 19604, ppid: 1, uid: 0, name: 'dockerd', cmd: 'dockerd --data-root /tmp/za-d-A/data --exec-root /tmp/za-d-A/exec --pidfile /tmp/za-d-A/docker.pid -H unix:///tmp/za-d-A/docker.sock --bridge=none -H tcp://127.0.0.1:36625 --tlsverify' },
    // dockerd's re-exec helpers: comm "dockerd", not engines
    { pid: 26993, ppid: 26924, uid: 0, name: 'dockerd', cmd: 'libnetwork-setkey -exec-root=/var/run/docker 3bce6ae12ba0a895131c537852eb2458b1ac4529c54ad829fb1375a2d1beb5d8 c55b729dd9d6' },
    { pid: 27253, ppid: 2914, uid: 0, name: 'dockerd', cmd: 'set-ipv6 /var/run/docker/netns/2cd25c9445b1 all false' },
    { pid: 13561, ppid: 1, uid: 0, name: 'containerd-shim', cmd: '/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id za-try-1 -address /tmp/zombie-audit-containerd/containerd.sock' },
  ]);
  assert.deepEqual(found.map((f) => [f.kind, f.pid, f.listens]), [
    ['dockerd', 2914, ['unix:///var/run/docker.sock']],
    ['dockerd', 19604, ['unix:///tmp/za-d-A/docker.sock', 'tcp://127.0.0.1:36625']],
    ['containerd', 13198, ['unix:///tmp/x/containerd.sock']],
  ]);
  assert.deepEqual(classify([{ pid: 900, ppid: 1, uid: 1000, name: 'dockerd', cmd: '/usr/bin/dockerd --rootless' }]).map((f) => [f.kind, f.listens]),
    [['dockerd-rootless', ['unix:///run/user/1000/docker.sock']]]);
  assert.deepEqual(flagValues(['-H', 'a', '--host=b', '-Hc', '--host', 'd'], 'host', 'H'), ['a', 'b', 'c', 'd']);
});
