import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { engine } from '../helpers/engine.js';

/**
 * Every SARIF the lint writes passes Microsoft's SARIF Multitool `validate` (what GitHub code
 * scanning's upload judges): 0 errors, 0 warnings, for every fixtures/lint case, an image, and a
 * failed run. The validator comes from scripts/sarif-multitool.sh (npm, cached).
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/run.js');
const FIX = join(ROOT, 'fixtures/lint');
// a folder holding no file lint reads is an input error (exit 2): that fixture is named by its file
const CASES = readdirSync(FIX).sort().map((c) => (c === 'not-a-dockerfile' ? 'not-a-dockerfile/supervisord.conf' : c));
let tool = '';
let dir = '';

function lint(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'lint', ...args, '--format', 'sarif'], { encoding: 'utf8', cwd: FIX, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Run the Multitool on files; its findings (level, rule, message), read from its own SARIF output. */
function validate(files: string[]): Array<{ level: string; rule: string; text: string }> {
  const out = join(dir, `validation-${Math.random().toString(36).slice(2)}.sarif`);
  spawnSync(tool, ['validate', ...files, '--output', out, '--log', 'ForceOverwrite'], { encoding: 'utf8', timeout: 300_000 });
  const log = JSON.parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, ''));
  return (log.runs[0].results ?? []).map((r: { level?: string; ruleId: string; message: { text?: string; id?: string; arguments?: string[] } }) => ({
    level: r.level ?? 'warning', rule: r.ruleId, text: r.message.text ?? `${r.message.id} ${(r.message.arguments ?? []).join(' | ')}`,
  }));
}

before(() => {
  tool = execFileSync('bash', [join(ROOT, 'scripts/sarif-multitool.sh')], { encoding: 'utf8', timeout: 300_000 }).trim();
  dir = mkdtempSync(join(tmpdir(), 'za-sarif-'));
});
after(() => { rmSync(dir, { recursive: true, force: true }); engine.close(); });

test('the validator catches what it must (a relative helpUri, no informationUri)', () => {
  const bad = join(dir, 'bad.sarif');
  const good = JSON.parse(lint(['sh-script']).out);
  good.runs[0].tool.driver.rules[0].helpUri = 'docs/findings/ZL103.md';
  delete good.runs[0].tool.driver.informationUri;
  writeFileSync(bad, JSON.stringify(good));
  const found = validate([bad]);
  assert.ok(found.some((f) => f.level === 'error' && f.rule.startsWith('SARIF1005')), JSON.stringify(found));
  assert.ok(found.some((f) => f.level === 'warning' && f.rule.startsWith('SARIF2005')), JSON.stringify(found));
});

test('every lint fixture, an image and a failed run: valid SARIF, 0 errors and 0 warnings', () => {
  const files: string[] = [];
  for (const c of CASES) {
    const r = lint([c]);
    assert.ok(r.code === 0 || r.code === 1, `${c}: ${r.err}`);
    writeFileSync(join(dir, `${c.replace(/\//g, "_")}.sarif`), r.out);
    files.push(join(dir, `${c.replace(/\//g, "_")}.sarif`));
  }
  const image = lint(['--image', 'zombie-audit-fixture/shell-pid1']);
  assert.equal(image.code, 1, image.err);
  writeFileSync(join(dir, 'image.sarif'), image.out);
  const failed = lint(['no/such/Dockerfile']);
  assert.equal(failed.code, 2);
  writeFileSync(join(dir, 'failed.sarif'), failed.out);
  files.push(join(dir, 'image.sarif'), join(dir, 'failed.sarif'));
  const found = validate(files).filter((f) => f.level === 'error' || f.level === 'warning');
  assert.deepEqual(found, []);
});

test('results: absolute helpUri and informationUri, no duplicates, fingerprints stable across runs', () => {
  for (const c of [...CASES, '--image=zombie-audit-fixture/shell-pid1']) {
    const a = JSON.parse(lint([c]).out);
    const b = JSON.parse(lint([c]).out);
    const run = a.runs[0];
    assert.match(run.tool.driver.informationUri, /^https:\/\//);
    for (const r of run.tool.driver.rules) assert.match(r.helpUri, new RegExp(`^https://github\\.com/[^/]+/[^/]+/blob/main/docs/findings/${r.id}\\.md$`));
    const keys = run.results.map((r: { ruleId: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }) =>
      JSON.stringify([r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine, r.message.text]));
    assert.equal(new Set(keys).size, keys.length, `${c}: no duplicate result`);
    const prints = (s: typeof a) => s.runs[0].results.map((r: { partialFingerprints: { primaryLocationLineHash: string } }) => r.partialFingerprints.primaryLocationLineHash);
    assert.deepEqual(prints(a), prints(b), `${c}: the same fingerprints on a second run`);
    assert.equal(new Set(prints(a)).size, prints(a).length, `${c}: one fingerprint per result`);
    assert.equal(run.invocations[0].executionSuccessful, true);
  }
});

test('a folder that holds only Kubernetes manifests is linted', () => {
  const s = JSON.parse(lint(['k8s']).out);
  const ids = s.runs[0].results.map((r: { ruleId: string }) => r.ruleId);
  assert.ok(ids.includes('ZL202') && ids.includes('ZL203'), ids.join(' '));
});
