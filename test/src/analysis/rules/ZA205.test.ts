import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZA205 } from '../../../../src/analysis/rules/ZA205.js';
import { fires } from './load.js';

test('ZA205 fires: PID 1 drops INT, HUP and QUIT', () => {
  const [f] = fires(ZA205, 'no-term.txt');
  assert.equal(f.severity, 'info');
  assert.match(f.message, /^PID 1 drops SIGINT, SIGHUP, SIGQUIT: Ctrl-C/);
});

test('ZA205 does not fire: an init forwards them', () => {
  assert.deepEqual(fires(ZA205, 'tini.txt'), []);
  assert.deepEqual(fires(ZA205, 'dumb-init.txt'), []);
});
