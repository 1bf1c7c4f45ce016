import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeScript, forwardedSignals } from '../../../src/lint/shell.js';

test('exec "$@" after branches and functions (the database-image pattern) is final on every path', async () => {
  const f = await analyzeScript('#!/bin/bash\n_main() {\n  if [ "$1" = db ]; then\n    exec gosu db "$0" "$@"\n  fi\n  exec "$@"\n}\nif ! _is_sourced; then\n  _main "$@"\nfi\n');
  assert.deepEqual(f.finals.map((x) => x.exec), [true]);
});

test('a branch that does not exec is found, with its line', async () => {
  const f = await analyzeScript('if [ "$D" = 1 ]; then\n  exec app --debug\nelse\n  app\nfi\n');
  assert.deepEqual(f.finals.map((x) => [x.exec, x.line]), [[true, 2], [false, 4]]);
});

test('`a && exec b` execs on the path that gets there; `exec >log` only redirects', async () => {
  assert.deepEqual((await analyzeScript('./migrate && exec ./server')).finals.map((x) => x.exec), [true]);
  assert.deepEqual((await analyzeScript('exec >/var/log/x 2>&1\napp\n')).finals.map((x) => [x.exec, x.text]), [[false, 'app']]);
});

test('background jobs, traps that forward, waits; one simple command', async () => {
  const f = await analyzeScript("trap 'kill -TERM $c' TERM INT\nagent --watch &\napp & c=$!\nwait $c\n");
  assert.deepEqual(f.backgrounds.map((b) => [b.text, b.line]), [['agent --watch', 2], ['app', 3]]);
  assert.deepEqual(forwardedSignals(f), ['TERM', 'INT']);
  assert.ok(f.waits);
  assert.equal((await analyzeScript('app --port 80')).simple, true);
  assert.equal((await analyzeScript('a; b')).simple, false);
  assert.equal((await analyzeScript('a | b')).simple, false);
});
