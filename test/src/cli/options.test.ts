import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUDIT_FLAGS } from '../../../src/cli/audit-options.js';
import { UsageError } from '../../../src/cli/errors.js';
import { LINT_FLAGS } from '../../../src/cli/lint.js';
import { didYouMean, ENV, parseArgv, parseCount, parseDuration } from '../../../src/cli/options.js';
import { errorFormat } from '../../../src/cli/run.js';
import { WATCH_FLAGS } from '../../../src/cli/watch-options.js';
import { wantColor } from '../../../src/render/style.js';

test('one duration syntax: 500ms, 2s, 1.5m, 1h; a bare number is seconds', () => {
  const cases: Array<[string, number]> = [['500ms', 500], ['2s', 2000], ['1.5m', 90_000], ['1h', 3_600_000], ['3', 3000], ['0.5', 500], [' 10s ', 10_000]];
  for (const [v, ms] of cases) assert.equal(parseDuration('interval', v), ms, v);
  for (const v of ['', '0', '0s', '-1', '2x', 's', '1 d', '1e3']) assert.throws(() => parseDuration('interval', v), UsageError, v);
  assert.throws(() => parseDuration('interval', 'soon'), (e: Error) => e instanceof UsageError && /^--interval takes a duration such as 500ms, 2s, 1m or 1h \(a bare number is seconds\), not "soon"$/.test(e.message));
});

test('whole numbers', () => {
  assert.equal(parseCount('count', '0'), 0);
  assert.equal(parseCount('count', '12'), 12);
  for (const v of ['abc', '1.5', '-1', '', '1e2']) assert.throws(() => parseCount('count', v), UsageError, v);
  assert.throws(() => parseCount('concurrency', '0', 1), /at least 1/);
});

test('parseArgv: flags, positionals, short flags, repeatable flags, --', () => {
  const p = parseArgv('audit', AUDIT_FLAGS, ['api', '-a', '--filter', 'name=x', '--filter=label=y', '-H', 'unix:///s', '--', '--odd'], {});
  assert.deepEqual(p.args, ['api', '--odd']);
  assert.equal(p.flags.all, true);
  assert.deepEqual(p.flags.filter, ['name=x', 'label=y']);
  assert.equal(p.flags.host, 'unix:///s');
});

test('parseArgv: one message per kind of mistake', () => {
  const err = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    try { parseArgv('watch', WATCH_FLAGS, argv, env); } catch (e) { assert.ok(e instanceof UsageError); return (e as Error).message; }
    return '';
  };
  assert.equal(err(['c', '--bogus']), 'unknown flag --bogus for watch');
  assert.equal(err(['c', '--intervl', '2s']), 'unknown flag --intervl for watch: did you mean --interval?');
  assert.equal(err(['c', '--interval']), '--interval needs a value');
  assert.equal(err(['c', '--follow=yes']), '--follow takes no value');
  assert.equal(err(['c', '--max-zombies', 'abc']), '--max-zombies takes a whole number, not "abc"');
  assert.equal(err(['c', '--collector', 'ssh']), '--collector takes one of stream, exec, not "ssh"');
  assert.match(err(['c'], { DOCKER_CLIENT_TIMEOUT: 'x' }), /^DOCKER_CLIENT_TIMEOUT takes a duration/);
  assert.equal(err(['c', '--timeout', '5'], { DOCKER_CLIENT_TIMEOUT: 'x' }), '', '--timeout wins over the environment');
});

test('the environment fills a flag that declares it, and only when it is not passed', () => {
  assert.equal(parseArgv('audit', AUDIT_FLAGS, ['c'], { DOCKER_CLIENT_TIMEOUT: '7' }).flags.timeout, '7');
  assert.equal(parseArgv('audit', AUDIT_FLAGS, ['c', '--timeout', '3s'], { DOCKER_CLIENT_TIMEOUT: '7' }).flags.timeout, '3s');
  assert.equal(parseArgv('audit', AUDIT_FLAGS, ['c'], {}).flags.timeout, undefined);
  assert.ok('DOCKER_CLIENT_TIMEOUT' in ENV && 'NO_COLOR' in ENV && 'FORCE_COLOR' in ENV);
});

test('every flag of every table has a description; enum defaults are among their options', () => {
  for (const table of [AUDIT_FLAGS, LINT_FLAGS, WATCH_FLAGS]) {
    for (const [name, f] of Object.entries(table)) {
      assert.ok(f.description.length > 10, name);
      if ('options' in f && f.options && 'default' in f) assert.ok((f.options as readonly string[]).includes(String(f.default)), name);
      if ('kind' in f && f.kind === 'duration' && 'default' in f) assert.ok(parseDuration(name, String(f.default)) > 0, name);
    }
  }
});

test('errorFormat: errors follow --json and --format, before any parsing', () => {
  assert.equal(errorFormat(['x']), 'text');
  assert.equal(errorFormat(['x', '--json', '--bogus']), 'json');
  assert.equal(errorFormat(['x', '--format', 'sarif']), 'sarif');
  assert.equal(errorFormat(['x', '--format=github']), 'github');
  assert.equal(errorFormat(['--', '--json']), 'text');
});

test('did you mean', () => {
  assert.equal(didYouMean('lnt', ['audit', 'lint', 'probe', 'fix', 'watch']), 'lint');
  assert.equal(didYouMean('prboe', ['audit', 'lint', 'probe']), 'probe');
  assert.equal(didYouMean('api-1', ['audit', 'lint', 'probe', 'fix', 'watch']), undefined);
});

test('colour: NO_COLOR and FORCE_COLOR=0 turn it off, FORCE_COLOR forces it, else only on a TTY', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  assert.equal(wantColor(tty, {}), true);
  assert.equal(wantColor(pipe, {}), false);
  assert.equal(wantColor(tty, { NO_COLOR: '1' }), false);
  assert.equal(wantColor(tty, { FORCE_COLOR: '0' }), false);
  assert.equal(wantColor(pipe, { FORCE_COLOR: '1' }), true);
  assert.equal(wantColor(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }), false);
  assert.equal(wantColor(tty, { TERM: 'dumb' }), false);
});
