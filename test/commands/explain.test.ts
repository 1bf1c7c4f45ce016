import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { RULES } from '../../src/findings/catalog.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIX = fileURLToPath(new URL('../../../fixtures/lint/', import.meta.url));
const za = (args: string[], cwd = ROOT) => {
  const r = spawnSync(process.execPath, [`${ROOT}bin/run.js`, ...args], { encoding: 'utf8', cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const repo = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).repository.url as string).replace(/^git\+/, '').replace(/\.git$/, '');

test('explain ZA101 prints the doc page and its absolute address; ids are case-insensitive', () => {
  const r = za(['explain', 'za101']);
  assert.equal(r.code, 0, r.err);
  const doc = readFileSync(`${ROOT}docs/findings/ZA101.md`, 'utf8');
  assert.ok(r.out.includes(doc.split('\n').find((l) => l.startsWith('## Why'))!.replace(/^## /, '')));
  assert.ok(r.out.includes(`${repo}/blob/main/docs/findings/ZA101.md`));
  const j = JSON.parse(za(['explain', 'ZL103', '--json']).out);
  assert.equal(j.id, 'ZL103');
  assert.equal(j.doc, readFileSync(`${ROOT}docs/findings/ZL103.md`, 'utf8'));
  assert.equal(j.url, `${repo}/blob/main/docs/findings/ZL103.md`);
  const list = za(['explain', '--list']);
  for (const rule of RULES) assert.match(list.out, new RegExp(`^${rule.id} `, 'm'));
});

test('terminal output names absolute doc addresses', () => {
  const r = za(['lint', 'sh-script'], FIX);
  assert.match(r.out, new RegExp(`docs: ${repo.replace(/\./g, '\\.')}/blob/main/docs/findings/ZL103\\.md`));
  assert.doesNotMatch(r.out, /docs: docs\//);
});

test('--format github: one workflow command per finding, on its file and line', () => {
  const r = za(['lint', 'sh-script', 'k8s', '--format', 'github'], FIX);
  assert.equal(r.code, 1);
  const lines = r.out.trim().split('\n');
  const json = JSON.parse(za(['lint', 'sh-script', 'k8s', '--json'], FIX).out);
  assert.equal(lines.length, json.findings.length);
  for (const [i, f] of json.findings.entries()) {
    const cmd = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
    assert.ok(lines[i].startsWith(`::${cmd} file=${f.location.file},line=${f.location.line},title=${f.id} (zombie-audit)::`), lines[i]);
    assert.ok(!lines[i].slice(2).includes('\n'));
  }
  assert.match(r.out, /%0Afix: /, 'newlines in the message are escaped');
});
