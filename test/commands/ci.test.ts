import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';

/**
 * Where users put the tool: the pre-commit hook (Debian's pre-commit, `try-repo` on a fixture
 * git repo), the GitHub Action's file, and the npm package's contents and dependencies.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let dir = '';

before(() => { dir = mkdtempSync(join(tmpdir(), 'za-ci-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

function git(cwd: string, ...args: string[]) {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd, stdio: 'pipe' });
}

test('pre-commit try-repo: the hook lints the Dockerfiles and compose files of a commit, and fails on findings', () => {
  // zombie-audit on PATH, as `npm install -g zombie-audit` would put it
  const binDir = join(dir, 'bin');
  mkdirSync(binDir);
  writeFileSync(join(binDir, 'zombie-audit'), `#!/bin/sh\nexec "${process.execPath}" "${ROOT}bin/run.js" "$@"\n`);
  chmodSync(join(binDir, 'zombie-audit'), 0o755);
  const repo = join(dir, 'app');
  mkdirSync(repo);
  git(repo, 'init', '-q');
  writeFileSync(join(repo, 'Dockerfile'), 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n');
  writeFileSync(join(repo, 'entrypoint.sh'), '#!/bin/sh\nset -e\nprepare\napp --serve\n');
  writeFileSync(join(repo, 'notes.yaml'), 'not: [a, pod]\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'app');
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, PRE_COMMIT_HOME: join(dir, 'pre-commit-home'), NO_COLOR: '1' };
  const tryRepo = () => spawnSync('pre-commit', ['try-repo', ROOT, 'zombie-audit-lint', '--all-files', '--verbose'], { cwd: repo, env, encoding: 'utf8', timeout: 300_000 });
  const bad = tryRepo();
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /zombie-audit lint .*Failed/);
  assert.match(bad.stdout, /entrypoint\.sh:\d+ error\s+ZL103/);
  assert.doesNotMatch(bad.stdout, /notes\.yaml/, 'a YAML file that is neither compose nor named by the user is not passed');
  writeFileSync(join(repo, 'entrypoint.sh'), '#!/bin/sh\nset -e\nprepare\nexec app --serve\n');
  writeFileSync(join(repo, 'Dockerfile'), 'FROM debian:12\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["tini", "--", "/entrypoint.sh"]\n');
  git(repo, 'commit', '-qam', 'fixed');
  const good = tryRepo();
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /zombie-audit lint .*Passed/);
});

test('action.yml: a composite action whose inputs reach the tool as arguments, with SARIF upload', () => {
  const a = parse(execFileSync('cat', [join(ROOT, 'action.yml')], { encoding: 'utf8' }));
  assert.equal(a.runs.using, 'composite');
  for (const i of ['command', 'paths', 'containers', 'fail-on', 'sarif', 'version']) assert.ok(a.inputs[i]?.description, i);
  const run = a.runs.steps.find((s: { id?: string }) => s.id === 'run');
  assert.doesNotMatch(run.run, /\$\{\{/, 'no ${{ }} inside the script (inputs go through env)');
  const check = spawnSync('bash', ['-n'], { input: run.run, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.ok(a.runs.steps.some((s: { uses?: string }) => s.uses?.startsWith('github/codeql-action/upload-sarif')));
  // the script, run against this checkout: annotations, a valid SARIF file, the exit code
  const out = join(dir, 'gh-output');
  writeFileSync(out, '');
  const binDir = join(dir, 'bin-action');
  mkdirSync(binDir, { recursive: true });
  writeFileSync(join(binDir, 'zombie-audit'), `#!/bin/sh\nexec "${process.execPath}" "${ROOT}bin/run.js" "$@"\n`);
  chmodSync(join(binDir, 'zombie-audit'), 0o755);
  const r = spawnSync('bash', ['-c', run.run], {
    cwd: join(ROOT, 'fixtures/lint'), encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, GITHUB_OUTPUT: out, ZA_COMMAND: 'lint', ZA_PATHS: 'sh-script k8s', ZA_CONTAINERS: '', ZA_FAIL_ON: 'error', ZA_SARIF: join(dir, 'out.sarif'), ZA_ARGS: '' },
  });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^::error file=sh-script\/start\.sh,line=\d+,title=ZL103/m);
  assert.match(execFileSync('cat', [out], { encoding: 'utf8' }), /^exit-code=1$/m);
  assert.equal(JSON.parse(execFileSync('cat', [join(dir, 'out.sarif')], { encoding: 'utf8' })).runs[0].invocations[0].executionSuccessful, true);
});

test('npm pack: no tests or benches, everything the CLI needs', () => {
  const files: string[] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }))[0].files.map((f: { path: string }) => f.path);
  assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('dist/bench/')), 'no dist/test, dist/bench');
  for (const f of ['bin/run.js', 'dist/fast.bundle.js', 'dist/src/cli/run.js', 'dist/commands/audit.js', 'dist/hooks/not-found.js', 'oclif.manifest.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'docs/findings/ZA101.md', 'native/bin/za-shim-amd64']) {
    assert.ok(files.includes(f), f);
  }
});

test('check-deps: finds an unused dependency and an undeclared import', () => {
  const pkg = join(dir, 'pkg');
  mkdirSync(join(pkg, 'src'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ dependencies: { yaml: '1', 'left-pad': '1' }, devDependencies: {} }));
  writeFileSync(join(pkg, 'src/a.ts'), "import { parse } from 'yaml';\nimport x from 'chalk';\nimport { readFileSync } from 'node:fs';\nconst s = 'import nothing from here';\n");
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/check-deps.mjs'), pkg], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), [
    'chalk is imported by src/a.ts but is not in dependencies',
    'unused dependency: left-pad (no import in src, commands, hooks, oclif, bin; not an oclif plugin)',
  ]);
});

test('this package: every dependency used, every import declared (npm run check:deps)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/check-deps.mjs'), ROOT], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
});
