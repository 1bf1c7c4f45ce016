import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZA102 } from '../../../../src/analysis/rules/ZA102.js';
import { fires } from './load.js';

test('ZA102 fires: the app behind tini (pid 7) holds 4 zombies', () => {
  const f = fires(ZA102, 'init-app-leaks.txt');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /^4 zombies held by pid 7 \(app\), which never waits for its children$/);
  assert.equal(f[0].location?.pid, 7);
});

test('ZA102 fires per parent, odd names kept', () => {
  const f = fires(ZA102, 'odd-names.txt');
  assert.ok(f.some((x) => x.message.includes('(we(ird) )name)')), JSON.stringify(f.map((x) => x.message)));
});

test('ZA102 does not fire: PID 1\'s zombies are ZA101\'s', () => {
  assert.deepEqual(fires(ZA102, 'leaky-pid1.txt'), []);
  assert.deepEqual(fires(ZA102, 'healthy.txt'), []);
});
