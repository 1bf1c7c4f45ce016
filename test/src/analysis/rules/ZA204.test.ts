import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZA204 } from '../../../../src/analysis/rules/ZA204.js';
import { fires, snap } from './load.js';

test('ZA204 fires: tini forwards TERM to an app that ignores it (SIG_IGN)', () => {
  const s = snap('tini.txt');
  const app = [...s.procs.values()].find((p) => p.ppid === 1)!;
  app.status = { ...app.status!, sigCgt: 0n, sigIgn: 1n << 14n };
  const [f] = fires(ZA204, s);
  assert.equal(f.severity, 'error');
  assert.match(f.message, /which ignores it/);
});

test('ZA204 does not fire: an app PID 1 that drops TERM is ZA201\'s; an init whose app handles it', () => {
  assert.deepEqual(fires(ZA204, 'no-term.txt'), []);
  assert.deepEqual(fires(ZA204, 'tini.txt'), []);
});
