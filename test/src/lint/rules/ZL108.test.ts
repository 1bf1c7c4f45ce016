import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

const df = 'FROM debian\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n';
// ZL108: a daemon started before the final command
test('ZL108 fires: nginx, service x start, cron before the final exec', async () => {
  assert.deepEqual(of(await lintFiles({ Dockerfile: df, 'e.sh': '#!/bin/sh\nnginx\nexec php-fpm -F\n' }), 'ZL108'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: df, 'e.sh': '#!/bin/sh\nservice cron start\nexec python app.py\n' }), 'ZL108'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM debian\nCMD service nginx start && exec gunicorn app\n' }), 'ZL108'), ['error']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM debian\nCOPY e.sh /e.sh\nENTRYPOINT ["tini", "--", "/e.sh"]\n', 'e.sh': '#!/bin/sh\ncron\nexec app\n' }), 'ZL108'), ['warning']);
});

test('ZL108 does not fire: foreground daemons, config tests, a daemon stopped again', async () => {
  assert.deepEqual(of(await lintFiles({ Dockerfile: df, 'e.sh': '#!/bin/sh\nnginx -t\nexec nginx -g "daemon off;"\n' }), 'ZL108'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: df, 'e.sh': '#!/bin/sh\nservice postgresql start\npsql -c "select 1"\nservice postgresql stop\nexec app\n' }), 'ZL108'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: df, 'e.sh': '#!/bin/sh\nservice cron status\nexec app\n' }), 'ZL108'), []);
});
