import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZA203 } from '../../../../src/analysis/rules/ZA203.js';
import { fires } from './load.js';

test('ZA203 fires: an app with no SIGCHLD handler, no zombies yet', () => {
  const [f] = fires(ZA203, 'no-term.txt');
  assert.match(f.message, /no SIGCHLD handler/);
});

test('ZA203 does not fire: an init; zombies already there (ZA101 says it); an app catching CHLD (unknown, the probe decides)', () => {
  assert.deepEqual(fires(ZA203, 'tini.txt'), []);
  assert.deepEqual(fires(ZA203, 'leaky-pid1.txt'), []);
  assert.deepEqual(fires(ZA203, 'healthy.txt'), []);
});
