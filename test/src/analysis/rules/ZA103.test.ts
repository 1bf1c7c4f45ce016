import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZA103 } from '../../../../src/analysis/rules/ZA103.js';
import { fires, snap } from './load.js';

test('ZA103 fires near the PID limit: warning from 75 %, error from 90 %', () => {
  const s = snap('leaky-pid1.txt');
  s.pids = { max: 9, current: 8, cgroup: 'v1' };
  assert.equal(fires(ZA103, s)[0].severity, 'warning');
  s.pids = { max: 7, current: 8, cgroup: 'v1' };
  assert.equal(fires(ZA103, s)[0].severity, 'error');
});

test('ZA103 does not fire: plenty of room, or no limit', () => {
  const s = snap('leaky-pid1.txt');
  s.pids = { max: 100, current: 8, cgroup: 'v2' };
  assert.deepEqual(fires(ZA103, s), []);
  s.pids = { max: undefined, current: 8, cgroup: 'v2' };
  assert.deepEqual(fires(ZA103, s), []);
});
