import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { engine, removeAll, runId, start } from '../helpers/engine.js';

/**
 * One options and error pipeline: the same bad argv gives the same line and exit code on the
 * fast path (bin/run.js -> dist/fast.bundle.js) and through oclif (ZOMBIE_AUDIT_NO_FAST_PATH=1,
 * and `audit <c>` typed out), and on every command; --json/--format sarif errors are machine-readable.
 */
const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const FIX = fileURLToPath(new URL('../../../fixtures/lint/', import.meta.url));
const run = runId('routes');
let c = '';

function za(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, first: r.stderr.split('\n')[0] };
}

before(async () => { c = await start(run, { image: 'zombie-audit-fixture/tini' }); });
// a keep-alive socket the engine closed during the long run can fail the first request: once more
after(async () => { await removeAll(run).catch(() => removeAll(run)); engine.close(); });

// [argv, env, the one line it must print, the hint it must give]
const AUDIT_CASES: Array<[string[], Record<string, string>, RegExp, RegExp]> = [
  [['C', '--bogus'], {}, /^zombie-audit: unknown flag --bogus for audit$/, /see: zombie-audit audit --help/],
  [['C', '--fail-on', 'sometimes'], {}, /^zombie-audit: --fail-on takes one of error, warning, info, none, not "sometimes"$/, /--help/],
  [['C', '--timeout', '3x'], {}, /^zombie-audit: --timeout takes a duration such as 500ms, 2s, 1m or 1h/, /--help/],
  [['C', '--timeout'], {}, /^zombie-audit: --timeout needs a value$/, /--help/],
  [['C', '--json=1'], {}, /^zombie-audit: --json takes no value$/, /--help/],
  [['C', '--concurrency', '0'], {}, /^zombie-audit: --concurrency takes a whole number of at least 1/, /--help/],
  [['C'], { DOCKER_CLIENT_TIMEOUT: 'soon' }, /^zombie-audit: DOCKER_CLIENT_TIMEOUT takes a duration/, /--help/],
  [['C', '--host', 'foo://bar'], {}, /^zombie-audit: cannot use engine address "foo:\/\/bar" \(from --host\)$/, /unix:\/\/\/path/],
  [['C'], { DOCKER_HOST: 'foo://bar' }, /^zombie-audit: cannot use engine address "foo:\/\/bar" \(from DOCKER_HOST\)$/, /unix:\/\/\/path/],
  [['C'], { DOCKER_HOST: '', DOCKER_CONTEXT: 'no-such-context' }, /^zombie-audit: docker context "no-such-context" not found/, /docker context ls/],
  [['--all', 'C'], {}, /^zombie-audit: pass either container names or --all, not both$/, /--help/],
];

test('audit: the same bad argv, the same line, hint and exit 2 on the fast path, through oclif, and as `audit ...`', () => {
  for (const [argv0, env, line, hint] of AUDIT_CASES) {
    const argv = argv0.map((a) => (a === 'C' ? c : a));
    const fast = za(argv, env);
    const oclif = za(argv, { ...env, ZOMBIE_AUDIT_NO_FAST_PATH: '1' });
    const typed = za(['audit', ...argv], env);
    const typedOclif = za(['audit', ...argv], { ...env, ZOMBIE_AUDIT_NO_FAST_PATH: '1' });
    for (const [route, r] of Object.entries({ fast, oclif, typed, typedOclif })) {
      assert.equal(r.code, 2, `${route} ${argv.join(' ')}: ${r.err}`);
      assert.match(r.first, line, `${route} ${argv.join(' ')}`);
      assert.match(r.err, hint, `${route} ${argv.join(' ')}`);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
    assert.equal(fast.err, oclif.err, 'both routes print the same');
    assert.equal(fast.err, typed.err);
  }
});

test('a word that is neither a command nor a container: did you mean, exit 2, on both routes', () => {
  for (const env of [{}, { ZOMBIE_AUDIT_NO_FAST_PATH: '1' }] as Array<Record<string, string>>) {
    const r = za(['lnt'], env);
    assert.equal(r.code, 2);
    assert.equal(r.first, 'zombie-audit: "lnt" is neither a command nor a container');
    assert.match(r.err, /did you mean `zombie-audit lint`\?/);
  }
  // a container that is really there is audited, whatever it looks like
  assert.equal(za([c, '--fail-on', 'none']).code, 0);
});

// every other command: [argv, the one line, json on stdout]
const COMMAND_CASES: Array<[string[], RegExp]> = [
  [['watch', 'C', '--max-zombies', 'abc'], /^zombie-audit: --max-zombies takes a whole number, not "abc"$/],
  [['watch', 'C', '--interval', '0'], /^zombie-audit: --interval takes a duration/],
  [['watch', 'C', '--max-rate', '-1'], /^zombie-audit: --max-rate needs a value/],
  [['watch', 'C', '--bogus'], /^zombie-audit: unknown flag --bogus for watch$/],
  [['probe', 'C', '--settle', '2x'], /^zombie-audit: --settle takes a duration/],
  [['probe', 'C', '--live'], /^zombie-audit: --live stops the real container/],
  [['probe', 'C', '--host', 'foo://bar'], /^zombie-audit: cannot use engine address/],
  [['fix', 'C', '--grace', 'x'], /^zombie-audit: --grace takes a duration/],
  [['fix', 'C', '--strategy', 'magic'], /^zombie-audit: --strategy takes one of shim, docker-init/],
  [['fix', '--dockerfile', 'no/such/Dockerfile'], /^zombie-audit: .*no\/such\/Dockerfile/],
  [['lint'], /^zombie-audit: name Dockerfiles, compose or Kubernetes YAML/],
  [['lint', 'no/such/file'], /^zombie-audit: no\/such\/file: no such file or folder$/],
  [['lint', 'entrypoint-exec', '--format', 'xml'], /^zombie-audit: --format takes one of tty, json, sarif, github, not "xml"$/],
  [['lint', 'entrypoint-exec', '--bogus'], /^zombie-audit: unknown flag --bogus for lint$/],
  [['explain', 'ZA999'], /^zombie-audit: no finding id "ZA999"/],
  [['shim', 'export'], /^zombie-audit: name one folder to write za-shim into$/],
];

test('every command: one line, a hint, exit 2; --json prints the error as JSON on stdout', () => {
  for (const [argv0, line] of COMMAND_CASES) {
    const argv = argv0.map((a) => (a === 'C' ? c : a));
    const r = za(argv, {}, FIX);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.err}`);
    assert.match(r.first, line, argv.join(' '));
    assert.match(r.err, /\n {2}hint: \S/, `${argv.join(' ')}: a hint`);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    const j = za([...argv, '--json'], {}, FIX);
    if (argv.includes('--bogus') || argv[0] === 'shim') continue; // shim export has no --json
    assert.equal(j.code, 2, `${argv.join(' ')} --json`);
    const e = JSON.parse(j.out).error;
    assert.ok(e.code && e.message && e.hint, `${argv.join(' ')} --json: ${j.out}`);
    assert.equal(`zombie-audit: ${e.message}`, j.first);
  }
});

test('lint --format sarif on an error: a SARIF log whose invocation failed, never an empty file', () => {
  const r = za(['lint', 'no/such/file', '--format', 'sarif'], {}, FIX);
  assert.equal(r.code, 2);
  const s = JSON.parse(r.out);
  assert.equal(s.version, '2.1.0');
  const inv = s.runs[0].invocations[0];
  assert.equal(inv.executionSuccessful, false);
  assert.match(inv.toolExecutionNotifications[0].message.text, /no such file or folder/);
  assert.deepEqual(s.runs[0].results, []);
});

test("lint: the config's failOn decides the exit code unless --fail-on is passed", () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-routes-'));
  try {
    // only a warning: shell form on a base whose /bin/sh lint cannot know (ZL101 as warning)
    writeFileSync(join(dir, 'Dockerfile'), 'FROM registry.example/custom:1\nCMD app --serve\n');
    const plain = za(['lint', 'Dockerfile'], {}, dir);
    assert.equal(plain.code, 1, plain.out);
    writeFileSync(join(dir, '.zombie-audit.json'), JSON.stringify({ failOn: 'error' }));
    assert.equal(za(['lint', 'Dockerfile'], {}, dir).code, 0, 'failOn: error in the config');
    assert.equal(za(['lint', 'Dockerfile', '--fail-on', 'warning'], {}, dir).code, 1, '--fail-on wins over the config');
    writeFileSync(join(dir, '.zombie-audit.json'), JSON.stringify({ failOn: 'sometimes' }));
    const bad = za(['lint', 'Dockerfile'], {}, dir);
    assert.equal(bad.code, 2);
    assert.match(bad.first, /failOn must be error, warning, info or none/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DOCKER_CLIENT_TIMEOUT is read on both routes (a duration; --timeout wins)', () => {
  for (const env of [{}, { ZOMBIE_AUDIT_NO_FAST_PATH: '1' }] as Array<Record<string, string>>) {
    assert.equal(za([c, '--fail-on', 'none'], { ...env, DOCKER_CLIENT_TIMEOUT: '30s' }).code, 0);
    assert.equal(za([c, '--fail-on', 'none', '--timeout', '10'], { ...env, DOCKER_CLIENT_TIMEOUT: 'never' }).code, 0, '--timeout wins');
    assert.equal(za([c], { ...env, DOCKER_CLIENT_TIMEOUT: 'never' }).code, 2);
  }
});

test('help, version, completion: -h, --help, help <command>, version, --version, autocomplete', () => {
  for (const argv of [['-h'], ['--help'], ['help']]) {
    const r = za(argv);
    assert.equal(r.code, 0, argv.join(' '));
    for (const cmd of ['audit', 'lint', 'probe', 'fix', 'watch', 'explain', 'version', 'autocomplete']) assert.match(r.out, new RegExp(`\\n  ${cmd}(\\s|$)`), `${argv}: ${cmd}`);
  }
  for (const cmd of ['audit', 'lint', 'probe', 'fix', 'watch', 'explain']) {
    for (const argv of [['help', cmd], [cmd, '--help'], [cmd, '-h']]) {
      const r = za(argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.match(r.out, new RegExp(`\\$ zombie-audit ${cmd}`), argv.join(' '));
      assert.match(r.out, /--no-color/);
    }
  }
  assert.match(za([c, '--help']).out, /\$ zombie-audit audit/, '<container> --help is the audit\'s help');
  const pkg = JSON.parse(spawnSync('npm', ['pkg', 'get', 'version'], { encoding: 'utf8', cwd: fileURLToPath(new URL('../../../', import.meta.url)) }).stdout);
  for (const argv of [['--version'], ['version']]) assert.match(za(argv).out, new RegExp(`^zombie-audit/${pkg.replace(/\./g, '\\.')} `), argv.join(' '));
  const bash = za(['autocomplete', 'script', 'bash']);
  assert.equal(bash.code, 0, bash.err);
  assert.match(bash.out, /zombie-audit/);
});

test('durations: one syntax on every flag (500ms, 2s, 1m; a bare number is seconds)', () => {
  for (const d of ['500ms', '2s', '1m', '3', '0.5']) {
    const r = za(['watch', c, '--count', '1', '--interval', d, '--collector', 'exec', '--json']);
    assert.equal(r.code, 0, `${d}: ${r.err}`);
    assert.equal(JSON.parse(r.out.trim().split('\n').at(-1)!).sample, 1);
  }
});

test('colour: --no-color and FORCE_COLOR=0 turn it off even where FORCE_COLOR would force it', () => {
  assert.match(za([c, '--fail-on', 'none'], { NO_COLOR: '', FORCE_COLOR: '1' }).out, /\x1b\[/);
  assert.doesNotMatch(za([c, '--no-color'], { NO_COLOR: '', FORCE_COLOR: '1' }).out, /\x1b\[/);
  assert.doesNotMatch(za(['lint', 'sh-script', '--no-color'], { NO_COLOR: '', FORCE_COLOR: '1' }, FIX).out, /\x1b\[/);
  assert.doesNotMatch(za([c], { NO_COLOR: '', FORCE_COLOR: '0' }).out, /\x1b\[/);
});
