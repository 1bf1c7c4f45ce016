import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

const df = 'FROM debian\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n';
// ZL104: background jobs left running with no init
test('ZL104 fires: a job left in the background before exec, or under a shell that stays', async () => {
  assert.deepEqual(of(await lintFiles({ Dockerfile: df, 'e.sh': '#!/bin/sh\nmetrics-agent &\nexec app\n' }), 'ZL104'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCMD ["sh", "-c", "agent & exec app"]\n' }), 'ZL104'), ['error']);
});

test('ZL104 does not fire: temp server killed and waited for, pg_ctl stop, trap that forwards via a function, an init', async () => {
  const temp = '#!/bin/bash\nset -e\n"$@" --skip-networking &\npid=$!\nfor i in 1 2 3; do sleep 1; done\nkill "$pid"\nwait "$pid"\nexec "$@"\n';
  assert.deepEqual(of(await lintFiles({ Dockerfile: df, 'e.sh': temp }), 'ZL104'), []);
  const helpers = '#!/bin/bash\ndocker_temp_server_start() {\n  mysqld --skip-networking &\n  MYSQL_PID=$!\n}\ndocker_temp_server_stop() {\n  mysqladmin shutdown\n}\ndocker_temp_server_start\ndocker_temp_server_stop\nexec "$@"\n';
  assert.deepEqual(of(await lintFiles({ Dockerfile: df, 'e.sh': helpers }), 'ZL104'), []);
  const sup = '#!/bin/sh\nterm() { kill -TERM "$child"; }\ntrap term TERM\napp &\nchild=$!\nwait "$child"\n';
  assert.deepEqual(of(await lintFiles({ Dockerfile: df, 'e.sh': sup }), 'ZL104'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCOPY e.sh /e.sh\nENTRYPOINT ["tini", "--", "/e.sh"]\n', 'e.sh': '#!/bin/sh\nagent &\nexec app\n' }), 'ZL104'), []);
});
