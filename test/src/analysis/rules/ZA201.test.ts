import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZA201 } from '../../../../src/analysis/rules/ZA201.js';
import { fires } from './load.js';

test('ZA201 fires: PID 1 with no TERM handler (sleep), the configured timeout named', () => {
  const [f] = fires(ZA201, 'no-term.txt', { stopTimeout: 3 });
  assert.equal(f.severity, 'error');
  assert.match(f.message, /wait 3 s and kill it with SIGKILL \(exit 137\)/);
  assert.ok(f.evidence.includes('SIGTERM: no handler: the kernel drops it for PID 1'));
});

test('ZA201 fires on a STOPSIGNAL the app does not handle', () => {
  assert.equal(fires(ZA201, 'healthy.txt', { stopSignal: 'SIGQUIT' }).length, 1);
});

test('ZA201 does not fire: TERM caught (the verdict is unknown, not killed), or an init', () => {
  assert.deepEqual(fires(ZA201, 'healthy.txt'), []);
  assert.deepEqual(fires(ZA201, 'tini.txt'), []);
});
