import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL106: a script that stays PID 1 traps signals but not the stop signal
test('ZL106 fires: STOPSIGNAL the script does not trap', async () => {
  const s = "#!/bin/sh\ntrap 'kill -TERM $c; wait $c' TERM\nserver & c=$!\nwait $c\n";
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCOPY r.sh /r.sh\nSTOPSIGNAL SIGQUIT\nENTRYPOINT ["/r.sh"]\n', 'r.sh': s }), 'ZL106'), ['warning']);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCOPY r.sh /r.sh\nENTRYPOINT ["/r.sh"]\n', 'r.sh': "#!/bin/sh\ntrap 'kill $c' INT\nserver & c=$!\nwait\n" }), 'ZL106'), ['warning']);
});

test('ZL106 does not fire when the stop signal is trapped, or the script execs', async () => {
  const s = "#!/bin/sh\ntrap 'kill -TERM $c; wait $c' TERM\nserver & c=$!\nwait $c\n";
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCOPY r.sh /r.sh\nENTRYPOINT ["/r.sh"]\n', 'r.sh': s }), 'ZL106'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM alpine\nCOPY r.sh /r.sh\nENTRYPOINT ["/r.sh"]\n', 'r.sh': "#!/bin/sh\ntrap 'rm -f /tmp/x' INT\nexec server\n" }), 'ZL106'), []);
});
