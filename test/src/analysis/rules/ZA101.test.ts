import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZA101 } from '../../../../src/analysis/rules/ZA101.js';
import { fires } from './load.js';

test('ZA101 fires: PID 1 (an app) leaves its 5 zombies unreaped', () => {
  const [f, ...rest] = fires(ZA101, 'leaky-pid1.txt');
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'error');
  assert.match(f.message, /^5 zombies left unreaped by PID 1 \(app\)$/);
  assert.deepEqual(f.location, { container: 'c', pid: 1 });
});

test('ZA101 does not fire: zombies held by the app behind tini are not PID 1\'s; no zombies at all', () => {
  assert.deepEqual(fires(ZA101, 'init-app-leaks.txt'), []);
  assert.deepEqual(fires(ZA101, 'tini.txt'), []);
  assert.deepEqual(fires(ZA101, 'healthy.txt'), []);
});

test('ZA101 meta: id, severity, doc page', () => {
  assert.equal(ZA101.meta.id, 'ZA101');
  assert.equal(ZA101.meta.doc, 'docs/findings/ZA101.md');
});
