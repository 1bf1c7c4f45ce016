import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles } from './helpers.js';

// ZL105: advice when the app is PID 1 with no init; what to check depends on the runtime
test('ZL105: node and python as PID 1 are info saying what to check; a JVM handles TERM', async () => {
  const node = (await lintFiles({ Dockerfile: 'FROM node:20\nCMD ["node", "server.js"]\n' })).find((f) => f.id === 'ZL105');
  assert.equal(node?.severity, 'info');
  assert.match(node!.message, /process\.on\('SIGTERM'\)/);
  const py = (await lintFiles({ Dockerfile: 'FROM python:3.12\nCMD ["python", "app.py"]\n' })).find((f) => f.id === 'ZL105');
  assert.match(py!.message, /signal\.signal/);
  const jvm = (await lintFiles({ Dockerfile: 'FROM eclipse-temurin:21\nCMD ["java", "-jar", "app.jar"]\n' })).find((f) => f.id === 'ZL105');
  assert.match(jvm!.message, /a JVM handles TERM/);
});

test('ZL105 is silent for servers that handle TERM and reap, under an init, and when the shell stays', async () => {
  assert.equal((await lintFiles({ Dockerfile: 'FROM nginx\nCMD ["nginx", "-g", "daemon off;"]\n' })).filter((f) => f.id === 'ZL105').length, 0);
  assert.equal((await lintFiles({ Dockerfile: 'FROM node\nENTRYPOINT ["tini", "--"]\nCMD ["node", "s.js"]\n' })).filter((f) => f.id === 'ZL105').length, 0);
  assert.equal((await lintFiles({ Dockerfile: 'FROM node\nCMD node s.js\n' })).filter((f) => f.id === 'ZL105').length, 0);
});
