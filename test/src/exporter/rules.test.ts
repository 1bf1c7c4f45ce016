import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../../src/paths.js';

// Debian's prometheus ships promtool (scripts/prometheus-up.sh installs it)
execFileSync('bash', [join(packageRoot(), 'scripts/prometheus-up.sh')], { stdio: 'inherit' });
const DIR = join(packageRoot(), 'deploy/prometheus');

function promtool(args: string[], cwd = DIR): { code: number; out: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

test('promtool check rules: the alert rules are valid', () => {
  const r = promtool(['check', 'rules', 'zombie-audit.rules.yml']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /SUCCESS: 4 rules found/);
});

test('promtool test rules: every alert fires when it should and not otherwise', () => {
  const r = promtool(['test', 'rules', 'zombie-audit.rules.test.yml']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /SUCCESS/);
});

test('the rule tests can fail: a rule that never fires fails them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-rules-'));
  try {
    copyFileSync(join(DIR, 'zombie-audit.rules.test.yml'), join(dir, 'zombie-audit.rules.test.yml'));
    const rules = readFileSync(join(DIR, 'zombie-audit.rules.yml'), 'utf8');
    writeFileSync(join(dir, 'zombie-audit.rules.yml'), rules.replace('expr: zombie_audit_processes / zombie_audit_pids_limit > 0.8', 'expr: zombie_audit_processes / zombie_audit_pids_limit > 1'));
    const r = promtool(['test', 'rules', 'zombie-audit.rules.test.yml'], dir);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /PidsNearLimit/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
