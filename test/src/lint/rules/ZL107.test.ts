import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL107: advice, an init installed but not PID 1
test('ZL107 is info when an init is installed but unused, and silent for a JVM or when it is used', async () => {
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nRUN apt-get update && apt-get install -y tini\nCMD ["node", "s.js"]\n' }), 'ZL107'), ['info']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM eclipse-temurin:21\nRUN apt-get update && apt-get install -y tini\nCMD ["java", "-jar", "a.jar"]\n' }), 'ZL107'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nRUN apk add tini\nENTRYPOINT ["/sbin/tini", "--"]\nCMD ["app"]\n' }), 'ZL107'), []);
});
