import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL203: shareProcessNamespace makes the pause process PID 1; tini needs -s to reap
test('ZL203 fires for tini without -s in a shared PID namespace, not with -s or without sharing', async () => {
  const pod = (cmd: string, share: boolean) => `kind: Pod\nmetadata: {name: p}\nspec:\n  shareProcessNamespace: ${share}\n  containers:\n    - name: c\n      image: x\n      command: ${cmd}\n`;
  assert.deepEqual(of(await lintFiles({ 'k.yaml': pod('["tini", "--", "./server"]', true) }), 'ZL203'), ['warning']);
  assert.deepEqual(of(await lintFiles({ 'k.yaml': pod('["tini", "-s", "--", "./server"]', true) }), 'ZL203'), []);
  assert.deepEqual(of(await lintFiles({ 'k.yaml': pod('["tini", "--", "./server"]', false) }), 'ZL203'), []);
});
