import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL202: a grace period under a second
test('ZL202 fires for stop_grace_period 0s and terminationGracePeriodSeconds 0, not for 10s or 30', async () => {
  assert.deepEqual(of(await lintFiles({ 'compose.yaml': 'services:\n  a:\n    image: x/a:1\n    stop_grace_period: 0s\n' }), 'ZL202'), ['warning']);
  assert.deepEqual(of(await lintFiles({ 'compose.yaml': 'services:\n  a:\n    image: x/a:1\n    stop_grace_period: 1m30s\n' }), 'ZL202'), []);
  assert.deepEqual(of(await lintFiles({ 'k.yaml': 'kind: Pod\nmetadata: {name: p}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n    - name: c\n      image: x\n' }), 'ZL202'), ['warning']);
  assert.deepEqual(of(await lintFiles({ 'k.yaml': 'kind: Pod\nmetadata: {name: p}\nspec:\n  terminationGracePeriodSeconds: 30\n  containers:\n    - name: c\n      image: x\n' }), 'ZL202'), []);
});
