import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseHost, resolveEndpoint, resolveEndpointStrict } from '../../../src/engine/connection.js';
import { ZaError } from '../../../src/engine/errors.js';

test('--host beats DOCKER_HOST beats the context beats the default socket', () => {
  const env = { DOCKER_HOST: 'unix:///env.sock', HOME: '/nonexistent', DOCKER_CONFIG: '/nonexistent' };
  assert.deepEqual(resolveEndpoint('unix:///flag.sock', env), { kind: 'unix', socketPath: '/flag.sock', source: '--host' });
  assert.deepEqual(resolveEndpoint(undefined, env), { kind: 'unix', socketPath: '/env.sock', source: 'DOCKER_HOST' });
  assert.deepEqual(resolveEndpoint(undefined, { DOCKER_CONFIG: '/nonexistent' }), { kind: 'unix', socketPath: '/var/run/docker.sock', source: 'default socket' });
});

test('a docker context is read from its meta.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-ctx-'));
  const meta = join(dir, 'contexts', 'meta', createHash('sha256').update('remote').digest('hex'));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: 'remote', Endpoints: { docker: { Host: 'tcp://10.9.8.7:2375' } } }));
  const e = resolveEndpoint(undefined, { DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'remote' });
  assert.equal(e.kind, 'tcp');
  assert.equal(e.kind === 'tcp' && e.port, 2375);
  assert.equal(e.source, 'docker context remote');
  assert.throws(() => resolveEndpointStrict(undefined, { DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'missing' }), ZaError);
  // the lenient form defers the error to the first request (so commands report it as an engine error)
  const bad = resolveEndpoint(undefined, { DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'missing' });
  assert.ok(bad.kind === 'invalid' && bad.error.code === 'USAGE' && /context "missing" not found/.test(bad.error.message));
});

test('tcp with TLS reads the certificates; a missing cert with TLS_VERIFY=1 is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-tls-'));
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), f);
  const e = parseHost('tcp://engine.example:2376', 'test', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
  assert.equal(e.kind, 'tcp');
  assert.ok(e.kind === 'tcp' && e.tls?.verify && e.tls.cert?.toString() === 'cert.pem');
  const empty = mkdtempSync(join(tmpdir(), 'za-tls-'));
  assert.throws(() => parseHost('tcp://h:2376', 'test', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty }), /cert\.pem/);
});

test('ssh and bad addresses', () => {
  assert.deepEqual(parseHost('ssh://ops@host:2222', 'x', {}), { kind: 'ssh', target: 'ssh://ops@host:2222', source: 'x' });
  assert.throws(() => parseHost('ftp://x', 'x', {}), /cannot use engine address/);
});

test('ssh -G output (captured from OpenSSH 9.2 on Debian 12) is read case-insensitively, repeated keys kept', async () => {
  const { parseSshG } = await import('../../../src/engine/ssh.js');
  const captured = [
    'User bob', 'hostname localhost', 'port 2222', 'stricthostkeychecking ask',
    'identityfile ~/.ssh/id_rsa', 'identityfile ~/.ssh/id_ecdsa', 'identityfile ~/.ssh/id_ed25519',
    'globalknownhostsfile /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2',
    'userknownhostsfile /root/.ssh/known_hosts /root/.ssh/known_hosts2', 'connecttimeout none',
  ].join('\n');
  const m = parseSshG(captured);
  assert.deepEqual(m.get('user'), ['bob']);
  assert.deepEqual(m.get('port'), ['2222']);
  assert.deepEqual(m.get('identityfile'), ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ed25519']);
  assert.deepEqual(m.get('userknownhostsfile'), ['/root/.ssh/known_hosts /root/.ssh/known_hosts2']);
});

test('a context\'s TLS material and DOCKER_API_VERSION', () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-ctx-'));
  const digest = createHash('sha256').update('tls-ctx').digest('hex');
  mkdirSync(join(dir, 'contexts', 'meta', digest), { recursive: true });
  writeFileSync(join(dir, 'contexts', 'meta', digest, 'meta.json'), JSON.stringify({ Name: 'tls-ctx', Endpoints: { docker: { Host: 'tcp://127.0.0.1:2376', SkipTLSVerify: true } } }));
  mkdirSync(join(dir, 'contexts', 'tls', digest, 'docker'), { recursive: true });
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, 'contexts', 'tls', digest, 'docker', f), f);
  const e = resolveEndpoint(undefined, { DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'tls-ctx', DOCKER_API_VERSION: '1.41' });
  assert.ok(e.kind === 'tcp' && e.tls && e.tls.verify === false && e.tls.ca?.toString() === 'ca.pem');
  assert.equal(e.apiVersion, '1.41');
  const bad = resolveEndpoint(undefined, { DOCKER_API_VERSION: 'latest', DOCKER_CONFIG: '/nonexistent' });
  assert.ok(bad.kind === 'invalid' && /DOCKER_API_VERSION/.test(bad.error.message));
});
