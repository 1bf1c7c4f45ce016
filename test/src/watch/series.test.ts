import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSeries, duration, parentExits, slopePerMinute, sparkline, type Sample } from '../../../src/watch/series.js';
import { parseDuration } from '../../../src/cli/watch.js';

const s = (t: number, byParent: Array<[number, string, number]>, extra: Partial<Sample> = {}): Sample => {
  const m = new Map(byParent.map(([p, n, c]) => [p, { name: n, count: c }]));
  const zombies = byParent.reduce((a, [, , c]) => a + c, 0);
  return { t, zombies, byParent: m, processes: zombies + 1, pidsCurrent: zombies + 2, pid1State: 'S', ...extra };
};

test('slope per minute by least squares', () => {
  assert.equal(slopePerMinute([[0, 0], [60_000, 10]]), 10);
  assert.ok(Math.abs(slopePerMinute([[0, 1], [1000, 6], [2000, 11], [3000, 16]]) - 300) < 1e-9);
  assert.equal(slopePerMinute([[0, 5]]), 0);
  assert.equal(slopePerMinute([[0, 5], [1000, 5], [2000, 5]]), 0);
});

test('rate, ranking and the projection to pids.max', () => {
  const samples = [0, 1, 2, 3].map((i) => s(i * 1000, [[1, 'app', 5 * i], [7, 'worker', 3]], { pidsMax: 400 }));
  const a = analyzeSeries(samples);
  assert.ok(Math.abs(a.perMinute - 300) < 1e-6);
  assert.deepEqual(a.parents.map((p) => [p.ppid, Math.round(p.perMinute)]), [[1, 300], [7, 0]]);
  assert.deepEqual(a.limit, { value: 400, source: 'pids.max' });
  // 400 - (18 + 2) PIDs at 300/min = 76 s
  assert.ok(Math.abs(a.msToLimit! - 76_000) < 1);
});

test('a flat count: no projection; kernel.pid_max when no pids cgroup limit', () => {
  const a = analyzeSeries([0, 1, 2].map((i) => s(i * 1000, [[1, 'app', 5]], { pidMax: 32768 })));
  assert.equal(a.perMinute, 0);
  assert.equal(a.msToLimit, undefined);
  assert.equal(a.limit?.source, 'kernel.pid_max');
});

test('a parent that exits hands its zombies to PID 1', () => {
  const prev = s(0, [[7, 'worker', 3]]);
  const cur = s(1000, [[1, 'sleep', 3]]);
  assert.deepEqual(parentExits(prev, cur, () => false), ['pid 7 (worker) exited: its 3 zombies went to PID 1, which has not reaped them']);
  assert.deepEqual(parentExits(prev, cur, (p) => p === 7), []);
});

test('durations, sparklines, --duration', () => {
  assert.equal(duration(20_400_000), '5 h 40 min');
  assert.equal(duration(42_000), '42 s');
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([3, 3]), '▁▁');
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('90'), 90_000);
  assert.throws(() => parseDuration('soon'));
});

test('at the limit already: the projection is 0 (reached), even with a flat count', () => {
  const a = analyzeSeries([0, 1, 2].map((i) => s(i * 1000, [[1, 'app', 398]], { pidsMax: 400 })));
  assert.equal(a.msToLimit, 0);
});
