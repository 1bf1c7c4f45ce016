/**
 * Endpoints resolved like the docker CLI, each against a real dockerd, through the real CLI
 * (bin/run.js -> the bundle) and the Engine: the unix socket, tcp on 127.0.0.1 (a loopback
 * byte relay to the shared engine's socket), tcp+TLS (a SECOND dockerd of this test with
 * --tlsverify, certificates made with openssl here), ssh:// (a loopback sshd with a throwaway
 * key and HOME), a docker context (meta.json + TLS material), DOCKER_API_VERSION; and bad
 * endpoints: one line, a hint, exit 2, within the timeout.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../../src/engine/client.js';
import { resolveEndpoint } from '../../../src/engine/connection.js';
import { ZaError } from '../../../src/engine/errors.js';
import { makeCerts, startDockerd, type OwnDockerd } from '../../helpers/dockerd.js';
import { engine, removeAll, runId, start } from '../../helpers/engine.js';
import { startSshd, type OwnSshd } from '../../helpers/sshd.js';

const BIN = fileURLToPath(new URL('../../../../bin/run.js', import.meta.url));
const run = runId('endpoints');
let target = '';
let tlsd: OwnDockerd | undefined;
let sshd: OwnSshd | undefined;
let relayPort = 0;
const relay = createServer((s) => {
  const u = connect('/var/run/docker.sock');
  s.pipe(u).pipe(s);
  s.on('error', () => u.destroy());
  u.on('error', () => s.destroy());
});
const held: Socket[] = [];
const silent = createServer((s) => { held.push(s); });
let silentPort = 0;

/** a clean environment: no DOCKER_* of the caller's, a HOME with no docker config */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('DOCKER_') && k !== 'SSH_AUTH_SOCK') env[k] = v;
  return { ...env, HOME: mkdtempSync(join(tmpdir(), 'za-home-')), NO_COLOR: '1', ...extra };
}

interface Ran { code: number | null; out: string; err: string; ms: number }
function za(args: string[], env: Record<string, string>): Promise<Ran> {
  const t = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: cleanEnv(env), timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, out, errText) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out, err: errText, ms: Date.now() - t });
    });
  });
}

function audited(r: Ran): void {
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.err}`);
  const j = JSON.parse(r.out);
  assert.equal(j.container.name, target);
  assert.ok(j.processes?.length ?? j.pid1, 'a report with processes');
}

/** a bad endpoint: exit 2, one line and a hint on stderr, within the time limit */
function badEndpoint(r: Ran, message: RegExp, hint: RegExp, withinMs: number): void {
  assert.equal(r.code, 2, `exit ${r.code}: ${r.err}`);
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 2, r.err);
  assert.match(lines[0], /^zombie-audit: /);
  assert.match(lines[0], message);
  assert.match(lines[1], /^ {2}hint: /);
  assert.match(lines[1], hint);
  assert.equal(r.out, '');
  assert.ok(r.ms < withinMs, `took ${r.ms} ms`);
}

before(async () => {
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  relayPort = (relay.address() as AddressInfo).port;
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as AddressInfo).port;
  [target, tlsd, sshd] = await Promise.all([
    start(run, { image: 'zombie-audit-fixture/leaky-pid1' }),
    startDockerd({ tls: true, name: run }),
    startSshd(),
  ]);
});

after(async () => {
  held.forEach((s) => s.destroy());
  silent.close();
  relay.close();
  await removeAll(run);
  sshd?.stop();
  await tlsd?.stop();
  engine.close();
});

test('unix socket: --host and DOCKER_HOST', async () => {
  audited(await za([target, '--json', '--host', 'unix:///var/run/docker.sock'], { DOCKER_HOST: 'unix:///nonexistent.sock' }));
  audited(await za([target, '--json'], { DOCKER_HOST: 'unix:///var/run/docker.sock' }));
});

test('tcp://127.0.0.1 (a relay to the real engine)', async () => {
  audited(await za([target, '--json'], { DOCKER_HOST: `tcp://127.0.0.1:${relayPort}` }));
});

test('tcp + TLS: DOCKER_TLS_VERIFY and DOCKER_CERT_PATH against a dockerd with --tlsverify', async () => {
  const env = { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tlsd!.clientCerts! };
  const e = new Engine(resolveEndpoint(`tcp://127.0.0.1:${tlsd!.port}`, env));
  try {
    assert.equal(e.describe(), `https://127.0.0.1:${tlsd!.port}`);
    const info = await e.json<{ DockerRootDir: string }>('GET', '/info');
    assert.equal(info.DockerRootDir, join(tlsd!.dir, 'data'), 'it is the second dockerd that answers');
    // a tar up over TLS (image import), then a container's whole life on that engine
    const { runHelper } = await import('../../../src/collect/helper.js');
    const out = await runHelper(e, 'host');
    assert.match(out, /^ZA2 /);
  } finally {
    e.close();
  }
  // the CLI over TLS: that engine has no such container; the answer comes from it
  const r = await za(['no-such-container-here'], { DOCKER_HOST: `tcp://127.0.0.1:${tlsd!.port}`, ...env });
  badEndpoint(r, /no container named or with id "no-such-container-here"/, /docker ps -a|did you mean/, 30_000);
});

test('ssh://: the user\'s ssh config (Host alias, IdentityFile) and known_hosts; dial-stdio on the far side', async () => {
  audited(await za([target, '--json', '--timeout', '90'], { HOME: sshd!.home, DOCKER_HOST: `ssh://${sshd!.alias}` }));
  // an unknown host key is refused, as ssh would
  const home = mkdtempSync(join(tmpdir(), 'za-home-'));
  cpSync(join(sshd!.home, '.ssh'), join(home, '.ssh'), { recursive: true });
  writeFileSync(join(home, '.ssh', 'known_hosts'), '');
  const r = await za([target, '--timeout', '10'], { HOME: home, DOCKER_HOST: `ssh://${sshd!.alias}` });
  badEndpoint(r, /not in known_hosts/, /connect once with `ssh -p \d+ root@127\.0\.0\.1`/, 30_000);
});

test('a docker context: currentContext in config.json, its meta.json and TLS material', async () => {
  const cfg = mkdtempSync(join(tmpdir(), 'za-dcfg-'));
  const name = 'za-remote-tls';
  const digest = createHash('sha256').update(name).digest('hex');
  mkdirSync(join(cfg, 'contexts', 'meta', digest), { recursive: true });
  writeFileSync(join(cfg, 'contexts', 'meta', digest, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: `tcp://127.0.0.1:${tlsd!.port}`, SkipTLSVerify: false } } }));
  const tlsDir = join(cfg, 'contexts', 'tls', digest, 'docker');
  mkdirSync(tlsDir, { recursive: true });
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) cpSync(join(tlsd!.clientCerts!, f), join(tlsDir, f));
  writeFileSync(join(cfg, 'config.json'), JSON.stringify({ currentContext: name }));
  const e = new Engine(resolveEndpoint(undefined, { DOCKER_CONFIG: cfg }));
  try {
    assert.equal(e.endpoint.source, `docker context ${name}`);
    const info = await e.json<{ DockerRootDir: string }>('GET', '/info');
    assert.equal(info.DockerRootDir, join(tlsd!.dir, 'data'));
  } finally {
    e.close();
  }
  // DOCKER_CONTEXT beats the config's current context; DOCKER_HOST beats both
  audited(await za([target, '--json'], { DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'default' }));
  audited(await za([target, '--json'], { DOCKER_CONFIG: cfg, DOCKER_HOST: 'unix:///var/run/docker.sock' }));
  const r = await za([target], { DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'nope' });
  badEndpoint(r, /docker context "nope" not found/, /docker context ls/, 10_000);
});

test('DOCKER_API_VERSION: a version the engine speaks is used; one it does not is one clear error', async () => {
  const v = await engine.json<{ ApiVersion: string }>('GET', '/version');
  audited(await za([target, '--json'], { DOCKER_API_VERSION: v.ApiVersion }));
  const r = await za([target], { DOCKER_API_VERSION: '1.99' });
  badEndpoint(r, /client version 1\.99 is too new/i, /DOCKER_API_VERSION/, 20_000);
});

test('bad endpoints: one line, a hint, exit 2, within the timeout', async () => {
  badEndpoint(await za([target], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }), /no Docker engine answers at unix:\/\/\/nonexistent\/docker\.sock \(DOCKER_HOST\): ENOENT/, /^ {2}hint: start the engine, or point --host \/ DOCKER_HOST at one that runs here: .*dockerd at unix:\/\/\/var\/run\/docker\.sock/, 10_000);
  badEndpoint(await za([target, '--timeout', '2'], { DOCKER_HOST: `tcp://127.0.0.1:${silentPort}` }), /did not answer .* within 2 s/, /--timeout/, 10_000);
  badEndpoint(await za([target], { DOCKER_CLIENT_TIMEOUT: '1', DOCKER_HOST: `tcp://127.0.0.1:${silentPort}` }), /within 1 s/, /DOCKER_CLIENT_TIMEOUT/, 8_000);
  badEndpoint(await za([target], { DOCKER_HOST: 'foo://bar' }), /cannot use engine address "foo:\/\/bar" \(from DOCKER_HOST\)/, /unix:\/\/\/path/, 10_000);
  // a client certificate from another CA: the engine refuses it
  const other = mkdtempSync(join(tmpdir(), 'za-othercert-'));
  makeCerts(other, 'another-ca');
  badEndpoint(await za([target], { DOCKER_HOST: `tcp://127.0.0.1:${tlsd!.port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: other }), /TLS to https:\/\/127\.0\.0\.1:\d+ failed/, /DOCKER_CERT_PATH/, 20_000);
  // plain tcp to a TLS port
  badEndpoint(await za([target], { DOCKER_HOST: `tcp://127.0.0.1:${tlsd!.port}` }), /the engine speaks TLS there/, /DOCKER_TLS_VERIFY=1/, 20_000);
});

test('the Engine maps an unreachable address to ENGINE_UNREACHABLE', async () => {
  const e = new Engine(resolveEndpoint('tcp://127.0.0.1:1', {}), { timeoutMs: 5000 });
  await assert.rejects(e.json('GET', '/_ping'), (err: unknown) => err instanceof ZaError && err.code === 'ENGINE_UNREACHABLE');
  e.close();
});
