import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/cli/audit-options.js';
import { parseInterval, parseListen, toExporterOptions } from '../../../src/exporter/options.js';

test('--interval: 500ms, 2s, 1m, 1.5m, a bare number of seconds', () => {
  assert.equal(parseInterval('500ms'), 500);
  assert.equal(parseInterval('2s'), 2000);
  assert.equal(parseInterval('1m'), 60_000);
  assert.equal(parseInterval('1.5m'), 90_000);
  assert.equal(parseInterval('15'), 15_000);
  assert.equal(parseInterval(' 0.5 '), 500);
  for (const bad of ['', 'fast', '-1s', '2d', '1e3', '50ms', '0', '25h']) {
    assert.throws(() => parseInterval(bad), UsageError, bad);
  }
});

test('--listen: IPv4, [IPv6], a host name, :PORT for every address; nothing else', () => {
  assert.deepEqual(parseListen('127.0.0.1:9719'), { host: '127.0.0.1', port: 9719 });
  assert.deepEqual(parseListen('[::1]:9719'), { host: '::1', port: 9719 });
  assert.deepEqual(parseListen('localhost:19719'), { host: 'localhost', port: 19719 });
  assert.deepEqual(parseListen(':9719'), { host: '0.0.0.0', port: 9719 });
  assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  for (const bad of ['9719', '127.0.0.1', '127.0.0.1:65536', '::1:9719', '[nothost]:1', 'a b:1', '127.0.0.1:9719/metrics', 'http://x:1']) {
    assert.throws(() => parseListen(bad), UsageError, bad);
  }
});

test('defaults: loopback 127.0.0.1:9719, every 15 s, top 5 parents', () => {
  const o = toExporterOptions({}, {});
  assert.deepEqual(o.listen, { host: '127.0.0.1', port: 9719 });
  assert.equal(o.intervalMs, 15_000);
  assert.equal(o.topParents, 5);
  assert.equal(o.timeoutSeconds, 20);
  assert.throws(() => toExporterOptions({ 'top-parents': '0' }, {}), UsageError);
  assert.throws(() => toExporterOptions({ 'top-parents': '2.5' }, {}), UsageError);
  assert.throws(() => toExporterOptions({ 'top-parents': '101' }, {}), UsageError);
});
