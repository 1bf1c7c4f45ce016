import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AUDIT_FLAGS } from '../src/cli/audit-options.js';
import { GLOBAL_FLAGS } from '../src/cli/options.js';
import { docPath, RULES } from '../src/findings/catalog.js';

const ROOT = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, ROOT), 'utf8');

test('every finding id has a doc page with the required sections, and every page an id', () => {
  for (const r of RULES) {
    const p = docPath(r.id);
    assert.ok(existsSync(new URL(p, ROOT)), p);
    const text = read(p);
    assert.ok(text.startsWith(`# ${r.id} ${r.name} `), `${p}: title`);
    for (const h of ['## Why it matters', '## The failure it causes', '## How to fix', '## Bad', '## Good']) assert.ok(text.includes(h), `${p}: ${h}`);
  }
  const ids = new Set(RULES.map((r) => r.id));
  for (const f of readdirSync(new URL('docs/findings/', ROOT))) assert.ok(ids.has(f.replace(/\.md$/, '')), `${f} has no rule`);
});

test('the README lists every finding id and every audit flag', () => {
  const readme = read('README.md');
  for (const r of RULES) assert.ok(readme.includes(r.id), r.id);
  for (const f of Object.keys(AUDIT_FLAGS)) assert.ok(readme.includes(`--${f}`), `--${f}`);
});

test('oclif.manifest.json is current: same version, every command file listed', () => {
  const manifest = JSON.parse(read('oclif.manifest.json'));
  const pkg = JSON.parse(read('package.json'));
  assert.equal(manifest.version, pkg.version);
  const files = readdirSync(new URL('commands/', ROOT), { recursive: true }).map(String).filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, '').replace(/\/index$/, '').split('/').join(':'));
  assert.deepEqual(Object.keys(manifest.commands).sort(), files.sort());
  for (const [id, c] of Object.entries<{ flags: Record<string, unknown> }>(manifest.commands)) {
    if (id === 'audit') assert.deepEqual(Object.keys(c.flags).sort(), Object.keys({ ...AUDIT_FLAGS, ...GLOBAL_FLAGS }).sort());
  }
});
