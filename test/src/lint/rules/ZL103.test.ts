import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL103: a shell script that does not exec its final command stays PID 1 (no shell execs a script's last command)
test('ZL103 fires: scripts run directly, by sh script.sh, found by COPY . . and WORKDIR-relative', async () => {
  const script = '#!/bin/sh\nset -e\n./migrate\nnode server.js\n';
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nCOPY start.sh /start.sh\nCMD ["/start.sh"]\n', 'start.sh': script }), 'ZL103'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nCOPY start.sh /start.sh\nCMD ["sh", "/start.sh"]\n', 'start.sh': script }), 'ZL103'), ['error'], 'named interpreter');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nCOPY docker-entrypoint.sh /\nENTRYPOINT ["/bin/bash", "docker-entrypoint.sh"]\n', 'docker-entrypoint.sh': script }), 'ZL103'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["./start.sh"]\n', 'start.sh': script }), 'ZL103'), ['error'], 'COPY . .');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM node:20\nADD . /srv\nCMD ["/srv/bin/start.sh"]\n', 'bin/start.sh': script }), 'ZL103'), ['error'], 'ADD . /dir');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nWORKDIR /srv\nCOPY *.sh ./\nCMD ./start.sh\n', 'start.sh': script }), 'ZL103'), ['error'], 'glob COPY, shell form on busybox execs ./start.sh');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCOPY s.sh /s.sh\nCMD ["bash", "-c", "/s.sh"]\n', 's.sh': script }), 'ZL103'), ['error'], 'bash -c ./x execs the script');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM debian\nCMD ["bash", "/opt/start.sh"]\n' }), 'ZL103'), ['warning'], 'the script is not in the context: likely, the missing fact named');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nRUN apk add tini\nCOPY s.sh /s.sh\nENTRYPOINT ["tini", "--", "/s.sh"]\n', 's.sh': script }), 'ZL103'), ['info'], 'under tini: nothing dropped or leaked');
});

test('ZL103 does not fire: exec on every path (functions, if/elif, case, comments after exec), supervisors', async () => {
  const ok = [
    '#!/bin/sh\nset -e\nif [ "$1" = a ]; then\n  exec a # comment\n  # more\nelse\n  exec "$@"\nfi\n',
    '#!/bin/sh\ncase "$1" in\n  web) exec gunicorn app ;;\n  worker) exec celery worker ;;\n  *) exec "$@" ;;\nesac\n',
    '#!/bin/bash\nmain() {\n  setup\n  exec gosu app "$@"\n}\nsetup() { chown app /data; }\nmain "$@"\n',
  ];
  for (const s of ok) assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM debian\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n', 'e.sh': s }), 'ZL103'), [], s);
  // traps TERM, calls a function that kills its su ... & child, waits: info only
  const sup = '#!/bin/bash\nstop() {\n  kill -TERM "$pid"\n  wait "$pid"\n}\ntrap stop TERM INT\nsu app -c "./server" &\npid=$!\nwait "$pid"\n';
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM debian\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n', 'e.sh': sup }), 'ZL103'), ['info']);
  // a Python entrypoint is not parsed as shell
  const py = '#!/usr/bin/env python\nimport os, sys\nif True:\n    pass\nos.execvp(sys.argv[1], sys.argv[1:])\n';
  const fs = await lintFiles({ Dockerfile: 'FROM python:3.12\nCOPY e.py /e.py\nENTRYPOINT ["/e.py"]\n', 'e.py': py });
  assert.deepEqual(fs.filter((f) => f.severity !== 'info'), []);
});
