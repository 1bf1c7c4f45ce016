import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundLabel, MAX_LABEL, podNamesOf } from '../../../src/exporter/labels.js';
import { OTHER, topParents } from '../../../src/exporter/sample.js';

test('label values from containers: controls, bidi overrides and lone surrogates replaced, length bounded', () => {
  assert.equal(boundLabel('api-1'), 'api-1');
  assert.equal(boundLabel(undefined), '');
  assert.equal(boundLabel('a\nb\r\x1b[31mc\x00d\x7f'), 'a?b??[31mc?d?');
  assert.equal(boundLabel('evil\u202etxt.exe'), 'evil?txt.exe');
  assert.equal(boundLabel('x\ud800y'), 'x\ufffdy');
  assert.equal(boundLabel('ok \u{1F600} "quoted" back\\slash'), 'ok \u{1F600} "quoted" back\\slash'); // prom-client escapes " and \
  const long = boundLabel('p'.repeat(10_000));
  assert.equal([...long].length, MAX_LABEL);
  assert.ok(long.endsWith('…'));
  assert.equal([...boundLabel('\u{1F600}'.repeat(200), 10)].length, 10, 'cut by code points, never inside a pair');
});

test("pod names only when all three of the kubelet's labels are there", () => {
  assert.deepEqual(podNamesOf({ 'io.kubernetes.pod.namespace': 'prod', 'io.kubernetes.pod.name': 'api-7d9', 'io.kubernetes.container.name': 'api' }),
    { namespace: 'prod', pod: 'api-7d9', container: 'api' });
  assert.equal(podNamesOf({ 'io.kubernetes.pod.name': 'api-7d9' }), undefined);
  assert.equal(podNamesOf(null), undefined);
});

test('zombies by parent: the top N by count (same command summed), the rest as "other"', () => {
  const g = (ppid: number, parentName: string, count: number) => ({ ppid, parentName, reaper: 'parent' as const, count });
  const groups = [g(1, 'app', 40), g(7, 'worker', 9), g(8, 'worker', 3), g(9, 'cron', 5), g(10, 'sh', 2), g(11, 'x\ny', 1)];
  assert.deepEqual(topParents(groups, 2), [{ command: 'app', zombies: 40 }, { command: 'worker', zombies: 12 }, { command: OTHER, zombies: 8 }]);
  assert.deepEqual(topParents(groups, 10).map((p) => p.command), ['app', 'worker', 'cron', 'sh', 'x?y']);
  assert.deepEqual(topParents([], 3), []);
  // a parent really called "other" shares the bucket rather than making two series with one label set
  assert.deepEqual(topParents([g(1, 'other', 4), g(2, 'a', 5), g(3, 'b', 1)], 2), [{ command: 'a', zombies: 5 }, { command: OTHER, zombies: 5 }]);
  // many parents: never more than N + 1 series
  const many = Array.from({ length: 500 }, (_, i) => g(i + 2, `p${i}`, 1 + (i % 7)));
  assert.equal(topParents(many, 5).length, 6);
  assert.equal(topParents(many, 5).reduce((n, p) => n + p.zombies, 0), many.reduce((n, x) => n + x.count, 0));
});
