import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL110: shell form on an image with no shell
test('ZL110 fires for shell form on distroless and scratch, not for exec form or :debug', async () => {
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM gcr.io/distroless/static\nCMD /app\n' }), 'ZL110'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM scratch\nCOPY app /app\nENTRYPOINT /app\n' }), 'ZL110'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM gcr.io/distroless/static\nCMD ["/app"]\n' }), 'ZL110'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM gcr.io/distroless/base:debug\nCMD /app\n' }), 'ZL110'), []);
});
