import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL102: several commands under sh -c (bash and busybox exec the last of a && / ; list; dash never)
test('ZL102 fires where the shell stays: dash lists, pipelines everywhere, bash redirects and if', async () => {
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nCMD npm run migrate && node server.js\n' }), 'ZL102'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCMD ./server | tee /log\n' }), 'ZL102'), ['error'], 'busybox stays for a pipeline');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM redhat/ubi9\nCMD cd /app && ./server >/log 2>&1\n' }), 'ZL102'), ['error'], 'bash stays with a redirect');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM fedora\nCMD if [ -f x ]; then ./a; fi\n' }), 'ZL102'), ['error'], 'bash stays in if');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCMD trap "echo" TERM; ./server\n' }), 'ZL102'), ['error'], 'a trap keeps busybox');
  assert.deepEqual(of(await lintFiles({ 'compose.yaml': 'services:\n  w:\n    image: example/w:1\n    command: sh -c "./prepare; ./work"\n' }), 'ZL102'), ['warning'], 'unknown image: warning');
});

test('ZL102 does not fire where the shell execs the last command, or with exec', async () => {
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine:3.20\nCMD cd /srv && ./server\n' }), 'ZL102'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine:3.20\nCMD ./migrate; ./server >/log 2>&1\n' }), 'ZL102'), [], 'busybox execs with a redirect');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM amazonlinux:2023\nCMD cd /srv && ./server\n' }), 'ZL102'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM python:3.12\nCMD python manage.py migrate && exec gunicorn app\n' }), 'ZL102'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCMD if [ -f x ]; then ./a; else ./b; fi\n' }), 'ZL102'), [], 'busybox execs inside if');
});
