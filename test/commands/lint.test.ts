import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { engine } from '../helpers/engine.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const FIX = fileURLToPath(new URL('../../../fixtures/lint/', import.meta.url));
const za = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, 'lint', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, cwd: FIX, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
after(() => engine.close());

test('tty output: file:line, rule id, message, fix; exit codes follow --fail-on', () => {
  const r = za(['copy-dot/Dockerfile']);
  assert.equal(r.code, 1);
  assert.match(r.out, /^copy-dot\/run\.sh:4 error\s+ZL103 /m);
  assert.match(r.out, /fix: end the script with `exec \/app --term`/);
  assert.equal(za(['copy-dot/Dockerfile', '--fail-on', 'none']).code, 0);
  assert.equal(za(['entrypoint-exec/Dockerfile']).code, 0);
  assert.equal(za(['nonexistent/Dockerfile']).code, 2);
  assert.equal(za([]).code, 2);
});

test('a broken or unknown file is reported and the others are still linted (--json)', () => {
  const r = za(['not-a-dockerfile/supervisord.conf', 'shell-lone/Dockerfile', 'windows/Dockerfile-windows', '--json']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.findings.map((f: { id: string }) => f.id).sort(), ['ZL001', 'ZL002', 'ZL101']);
});

test('SARIF 2.1.0 for code scanning: rules with help, levels, 1-based regions, fingerprints', () => {
  const r = za(['background-left/Dockerfile', 'k8s/deploy.yaml', '--format', 'sarif']);
  assert.equal(r.code, 1);
  const s = JSON.parse(r.out);
  assert.equal(s.version, '2.1.0');
  const run = s.runs[0];
  assert.equal(run.tool.driver.name, 'zombie-audit');
  const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
  for (const rule of run.tool.driver.rules) {
    assert.ok(rule.name && rule.shortDescription.text && rule.fullDescription.text && rule.helpUri, rule.id);
  }
  for (const res of run.results) {
    assert.ok(ruleIds.includes(res.ruleId));
    assert.ok(['error', 'warning', 'note'].includes(res.level));
    const loc = res.locations[0].physicalLocation;
    assert.ok(!loc.artifactLocation.uri.startsWith('/'), 'relative uri');
    assert.ok(loc.region.startLine >= 1);
    assert.ok(res.partialFingerprints.primaryLocationLineHash);
  }
});

test('--json', () => {
  const j = JSON.parse(za(['compose/compose.yaml', '--json']).out);
  assert.equal(j.schema, 'zombie-audit/lint@1');
  assert.ok(j.findings.every((f: { id: string; severity: string; message: string }) => f.id && f.severity && f.message));
});

test('--image reads an image on the engine: shell form, inits present, no image', () => {
  const shell = za(['--image', 'zombie-audit-fixture/shell-pid1']);
  assert.equal(shell.code, 1);
  assert.match(shell.out, /ZL102 .*sleep 2147483647; echo done/);
  assert.match(shell.out, /ZL107 tini is installed/, 'tini is in the fixture base image but not PID 1');
  assert.match(shell.out, /busybox/, 'the image\'s own /bin/sh is read: busybox');
  const tini = za(['--image', 'zombie-audit-fixture/tini', '--fail-on', 'warning']);
  assert.equal(tini.code, 0, tini.out);
  const missing = za(['--image', 'zombie-audit-fixture/nope']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no image zombie-audit-fixture\/nope/);
});
