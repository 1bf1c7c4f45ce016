import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZA202 } from '../../../../src/analysis/rules/ZA202.js';
import { fires } from './load.js';

test('ZA202 fires: a shell is PID 1', () => {
  const [f] = fires(ZA202, 'shell-pid1.txt');
  assert.match(f.message, /^a shell is PID 1/);
  assert.match(f.evidence[0], /^PID 1 argv: \[/);
});

test('ZA202 does not fire on an app or an init', () => {
  for (const x of ['no-term.txt', 'tini.txt', 'healthy.txt']) assert.deepEqual(fires(ZA202, x), [], x);
});
