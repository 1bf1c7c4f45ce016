import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPaths, loadConfig, type LintConfig } from '../../../src/lint/lint.js';
import { shellSplit } from '../../../src/lint/yaml.js';

const FIX = new URL('../../../../fixtures/lint/', import.meta.url).pathname;
const none: LintConfig = { ignore: [], severity: {} };
const lint = async (p: string, cfg = none) => (await lintPaths([join(FIX, p)], { config: cfg })).findings;
const ids = (fs: Array<{ id: string; severity: string }>) => fs.filter((f) => f.severity !== 'info').map((f) => f.id).sort();

test('good patterns: no warning or error (gosu/su-exec re-exec, CMD exec ..., jobs under tini)', async () => {
  assert.deepEqual(ids(await lint('good-gosu/Dockerfile')), []);
  assert.deepEqual(ids(await lint('good-exec-cmd/Dockerfile')), [], 'CMD exec app is safe (hadolint DL3025 says otherwise)');
  const tini = await lint('tini-background/Dockerfile');
  assert.ok(!tini.some((f) => f.id === 'ZL104'), 'background jobs under tini are fine');
  assert.deepEqual(ids(tini), ['ZL103'], 'but the script between tini and the app is a warning');
  assert.equal(tini[0].severity, 'warning');
});

test('a script with a background job, no exec on one branch, and an unused tini', async () => {
  const fs = await lint('bad-script/Dockerfile');
  assert.deepEqual(ids(fs), ['ZL103', 'ZL104', 'ZL107']);
  const z103 = fs.find((f) => f.id === 'ZL103')!;
  assert.match(z103.location!.file!, /bad-script\/entrypoint\.sh$/);
  assert.equal(z103.location!.line, 8);
  assert.equal(fs.find((f) => f.id === 'ZL107')!.location!.line, 2, 'found through the stage the final one builds on');
});

test('shell form with several commands: ZL102 at the CMD line', async () => {
  const fs = await lint('bad-shell-form/Dockerfile');
  assert.deepEqual(ids(fs), ['ZL102']);
  assert.equal(fs[0].location!.line, 3);
});

test('STOPSIGNAL the script does not trap: ZL106; the forwarding supervisor pattern is only info', async () => {
  const fs = await lint('bad-stopsignal/Dockerfile');
  assert.deepEqual(ids(fs), ['ZL106']);
  assert.equal(fs.find((f) => f.id === 'ZL103')!.severity, 'info');
});

test('inline ignore on the line before, ignore-file, and the config file', async () => {
  assert.deepEqual(ids(await lint('ignored/Dockerfile')), []);
  const dir = mkdtempSync(join(tmpdir(), 'za-cfg-'));
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ ignore: ['ZL107'], severity: { ZL104: 'warning' } }));
  const cfg = await loadConfig(join(dir, 'c.json'));
  const fs = await lint('bad-script/Dockerfile', cfg);
  assert.ok(!fs.some((f) => f.id === 'ZL107'));
  assert.equal(fs.find((f) => f.id === 'ZL104')!.severity, 'warning');
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ severity: { ZL104: 'loud' } }));
  await assert.rejects(loadConfig(join(dir, 'bad.json')), /must be error, warning or info/);
});

test('compose: init false, a zero grace period, sh -c with a final exec is fine, several commands under init: true', async () => {
  const fs = await lint('compose/compose.yaml');
  const warnErr = fs.filter((f) => f.severity !== 'info');
  assert.deepEqual(warnErr.map((f) => [f.id, f.location!.line]), [['ZL201', 4], ['ZL202', 5], ['ZL102', 10]]);
  assert.equal(warnErr[2].severity, 'warning', 'under the engine init the shell is not PID 1');
  assert.deepEqual(shellSplit(`sh -c "./prepare; ./work" 'a b'`), ['sh', '-c', './prepare; ./work', 'a b']);
});

test('kubernetes: grace 0, shareProcessNamespace with tini, sh -c in a sidecar, CronJob template', async () => {
  const fs = await lint('k8s/deploy.yaml');
  assert.deepEqual(fs.filter((f) => f.severity !== 'info').map((f) => [f.id, f.location!.line]), [['ZL202', 8], ['ZL203', 9], ['ZL102', 16]]);
  assert.ok(fs.some((f) => f.id === 'ZL105' && f.location!.line === 31), 'the CronJob container is read');
});

test('ARG and ENV substitution in COPY and WORKDIR; a relative ENTRYPOINT resolved against WORKDIR', async () => {
  const fs = await lint('args-workdir/Dockerfile');
  const f = fs.find((x) => x.id === 'ZL103');
  assert.ok(f, JSON.stringify(fs));
  assert.match(f.location!.file!, /args-workdir\/run\.sh$/);
  assert.equal(f.location!.line, 3);
});

test('substitute: ${VAR}, ${VAR:-default}, ${VAR:+alt}, $VAR; unknown ones stay', async () => {
  const { substitute } = await import('../../../src/lint/dockerfile.js');
  const v = new Map([['A', '1'], ['E', '']]);
  assert.equal(substitute('${A}/$A/${B:-x}/${E:-y}/${A:+z}/${B:+w}/$B', v), '1/1/x/y/z//$B');
});
