import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { boundLabel } from '../../../src/exporter/labels.js';
import { ExporterMetrics } from '../../../src/exporter/metrics.js';
import type { HostSample } from '../../../src/exporter/sample.js';
import { HostStream, sampleHost } from '../../../src/exporter/sampler.js';
import { engine, removeAll, runId, sleep } from '../../helpers/engine.js';
import { parseExposition, select } from './exposition.js';

const RUN = runId('exporter-sampler');
const HOSTILE_POD = 'api-"7d9"\n# HELP fake\x1b[31m' + 'x'.repeat(400);
let leaky = '';
let healthy = '';

async function run(name: string, body: Record<string, unknown>): Promise<string> {
  const created = await engine.json<{ Id: string }>('POST', '/containers/create', { query: { name }, body: { NetworkDisabled: true, ...body } });
  const res = await engine.request('POST', `/containers/${created.Id}/start`);
  if (res.status >= 300) throw new Error(`start ${name}: ${res.body}`);
  return name;
}

before(async () => {
  await removeAll(RUN);
  // 12 zombies at once (PID 1 never waits), a PID limit, and the kubelet's labels with a hostile pod name
  leaky = await run(`${RUN}-leaky`, {
    Image: 'zombie-audit-fixture/base', Cmd: ['/app', '--leak', '12'],
    Labels: { 'zombie-audit.test': RUN, 'io.kubernetes.pod.namespace': 'payments', 'io.kubernetes.pod.name': HOSTILE_POD, 'io.kubernetes.container.name': 'api' },
    HostConfig: { NetworkMode: 'none', PidsLimit: 100 },
  });
  healthy = await run(`${RUN}-healthy`, { Image: 'zombie-audit-fixture/healthy', Labels: { 'zombie-audit.test': RUN }, HostConfig: { NetworkMode: 'none' } });
});
after(async () => { await removeAll(RUN); });

async function sampleUntil(ok: (s: HostSample) => boolean): Promise<HostSample> {
  let s: HostSample | undefined;
  let err: Error | undefined;
  for (let i = 0; i < 20; i++) {
    try {
      s = await sampleHost(engine, { topParents: 5 });
      if (ok(s)) return s;
    } catch (e) {
      err = e as Error; // the host-wide read cut short on a churning host: the exporter's sampler retries too
    }
    await sleep(500);
  }
  assert.fail(`no sample met the condition; last: ${JSON.stringify(s?.containers.map((c) => [c.labels.container_name, c.zombies]))}; last error: ${err?.message}`);
}

test('one host-wide sample: every container, the figures of the audit, the pod labels bounded, no exec', { timeout: 120_000 }, async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  const s = await sampleUntil((x) => x.containers.some((c) => c.labels.container_name === leaky && c.zombies === 12)
    && x.containers.some((c) => c.labels.container_name === healthy && c.processes >= 3));
  assert.equal(s.method, 'host');
  const L = s.containers.find((c) => c.labels.container_name === leaky)!;
  const H = s.containers.find((c) => c.labels.container_name === healthy)!;
  assert.match(L.labels.container_id!, /^[0-9a-f]{12}$/);
  assert.equal(L.labels.image, 'zombie-audit-fixture/base');
  assert.equal(L.labels.namespace, 'payments');
  assert.equal(L.labels.container, 'api');
  assert.equal(L.labels.pod, boundLabel(HOSTILE_POD));
  assert.ok([...L.labels.pod!].length <= 128 && !/[\n\x1b]/.test(L.labels.pod!));
  assert.equal(L.processes, 13);
  assert.equal(L.pidsLimit, 100);
  assert.deepEqual(L.parents, [{ command: 'app', zombies: 12 }]);
  assert.ok(L.oldestZombieSeconds !== undefined && L.oldestZombieSeconds >= 0);
  assert.deepEqual(L.pid1, { kind: 'app', runtime: 'app', term: 'dropped' });
  assert.equal(L.stop.outcome, 'killed');
  assert.ok(L.findings.some((f) => f.id === 'ZA101' && f.severity === 'error'));
  assert.equal(H.zombies, 0);
  assert.equal(H.pidsLimit, undefined);
  assert.equal(H.labels.pod, undefined);
  assert.equal(H.pid1.term, 'handled');
  // a caught TERM on an app the runtime knowledge does not know: unknown until the probe proves it (issue 10)
  assert.equal(H.stop.outcome, 'unknown');
  // the exporter's steady way (one helper streaming snapshots) reads the same
  const hs = new HostStream(engine, 500);
  try {
    let streamed: HostSample | undefined;
    for (let i = 0; i < 3; i++) streamed = await hs.sample({ topParents: 5 });
    assert.deepEqual(streamed!.containers.find((c) => c.labels.container_name === leaky), { ...L, oldestZombieSeconds: streamed!.containers.find((c) => c.labels.container_name === leaky)!.oldestZombieSeconds });
    assert.deepEqual(streamed!.containers.find((c) => c.labels.container_name === healthy), H);
    assert.ok(Math.abs(streamed!.at - Date.now()) < 30_000, 'dated by the snapshot');
  } finally {
    await hs.close();
  }
  // read-only from outside: the engine saw no exec in either container
  const ev = await engine.request('GET', '/events', { query: { since, until: Math.floor(Date.now() / 1000) + 1,
    filters: JSON.stringify({ type: ['container'], event: ['exec_create', 'exec_start', 'kill', 'stop'], container: [leaky, healthy] }) } });
  assert.equal(ev.status, 200);
  assert.equal(ev.body.toString('utf8').trim(), '', 'no exec, kill or stop on the sampled containers');
});

test('metrics: one series per container, absent where there is nothing to say, gone with the container', { timeout: 120_000 }, async () => {
  const m = new ExporterMetrics(2000);
  const first = await sampleUntil((x) => x.containers.some((c) => c.labels.container_name === leaky && c.zombies === 12));
  m.onOutcome({ ok: true, sample: first });
  const e = parseExposition(await m.render());
  const leakyLabels = { container_name: leaky };
  assert.deepEqual(select(e, 'zombie_audit_zombies', leakyLabels).map((x) => x.value), [12]);
  assert.deepEqual(select(e, 'zombie_audit_zombies', { container_name: healthy }).map((x) => x.value), [0]);
  assert.equal(select(e, 'zombie_audit_zombies', leakyLabels)[0].labels.pod, boundLabel(HOSTILE_POD), 'escaped and read back intact');
  assert.deepEqual(select(e, 'zombie_audit_zombies_by_parent', { ...leakyLabels, parent_command: 'app' }).map((x) => x.value), [12]);
  assert.deepEqual(select(e, 'zombie_audit_pids_limit', leakyLabels).map((x) => x.value), [100]);
  assert.equal(select(e, 'zombie_audit_pids_limit', { container_name: healthy }).length, 0, 'no limit: no series');
  assert.equal(select(e, 'zombie_audit_oldest_zombie_age_seconds', { container_name: healthy }).length, 0);
  assert.equal(select(e, 'zombie_audit_oldest_zombie_age_seconds', leakyLabels).length, 1);
  assert.deepEqual(select(e, 'zombie_audit_pid1_info', { ...leakyLabels, kind: 'app', term: 'dropped' }).map((x) => x.value), [1]);
  assert.deepEqual(select(e, 'zombie_audit_stop_outcome', { ...leakyLabels, outcome: 'killed', signal: 'SIGTERM' }).map((x) => x.value), [1]);
  assert.deepEqual(select(e, 'zombie_audit_findings', { ...leakyLabels, id: 'ZA101', severity: 'error' }).map((x) => x.value), [1]);
  assert.deepEqual(select(e, 'zombie_audit_sampler_up').map((x) => x.value), [1]);
  assert.ok(select(e, 'zombie_audit_sampler_last_success_timestamp_seconds')[0].value > Date.now() / 1000 - 60);
  assert.ok(select(e, 'process_resident_memory_bytes')[0].value > 0, "prom-client's default process metrics");
  assert.ok(select(e, 'zombie_audit_scrape_duration_seconds')[0].value > 0);

  await engine.request('DELETE', `/containers/${leaky}`, { query: { force: 1 } });
  const second = await sampleUntil((x) => !x.containers.some((c) => c.labels.container_name === leaky));
  m.onOutcome({ ok: true, sample: second });
  const e2 = parseExposition(await m.render());
  assert.equal(e2.samples.filter((x) => x.labels.container_name === leaky).length, 0, 'the removed container has no series left');
  assert.deepEqual(select(e2, 'zombie_audit_zombies', { container_name: healthy }).map((x) => x.value), [0]);

  // a failed sample keeps the last good series (the sampler alert says it is failing) until they are stale
  m.onOutcome({ ok: false, error: new Error('engine gone'), at: second.at + 1000, durationMs: 5 });
  const e3 = parseExposition(await m.render());
  assert.deepEqual(select(e3, 'zombie_audit_sampler_up').map((x) => x.value), [0]);
  assert.deepEqual(select(e3, 'zombie_audit_scrape_errors_total', { stage: 'sample' }).map((x) => x.value), [1]);
  assert.equal(select(e3, 'zombie_audit_zombies', { container_name: healthy }).length, 1);
  m.onOutcome({ ok: false, error: new Error('engine gone'), at: second.at + m.staleAfterMs + 1, durationMs: 5 });
  const e4 = parseExposition(await m.render());
  assert.equal(select(e4, 'zombie_audit_zombies').length, 0, 'stale: every per-container series dropped');
  assert.deepEqual(select(e4, 'zombie_audit_scrape_errors_total', { stage: 'sample' }).map((x) => x.value), [2]);
});
