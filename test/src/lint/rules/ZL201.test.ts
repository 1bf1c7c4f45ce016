import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL201: compose init: false with nothing else as init
test('ZL201 fires for init: false with no init in the command, not with tini in front or init: true', async () => {
  assert.deepEqual(of(await lintFiles({ 'compose.yaml': 'services:\n  a:\n    image: x/a:1\n    init: false\n    command: ["./server"]\n' }), 'ZL201'), ['warning']);
  assert.deepEqual(of(await lintFiles({ 'compose.yaml': 'services:\n  a:\n    image: x/a:1\n    init: false\n    command: ["tini", "--", "./server"]\n' }), 'ZL201'), []);
  assert.deepEqual(of(await lintFiles({ 'compose.yaml': 'services:\n  a:\n    image: x/a:1\n    init: true\n    command: ["./server"]\n' }), 'ZL201'), []);
});
