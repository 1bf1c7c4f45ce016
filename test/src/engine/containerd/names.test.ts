import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pickRuntime, toRuntimeOptions } from '../../../../src/cli/runtime-flags.js';
import { socketPath } from '../../../../src/engine/containerd/grpc.js';
import { displayName, isSandbox, matchRef, nearNames, podNames, stopGrace, type Candidate } from '../../../../src/engine/containerd/names.js';
import { matchesFilters, resolveContainerd, summarize } from '../../../../src/engine/containerd/runtime.js';

// the labels containerd 1.6 gave a container made as the acceptance test makes it
// (`ctr run --label io.kubernetes...` on an image imported from docker save)
const LABELS = {
  'zombie-audit.hash': '1e12b463f6fae332',
  'zombie-audit.fixture': '1',
  'io.kubernetes.pod.namespace': 'payments',
  'io.kubernetes.pod.name': 'api-7d9c',
  'io.kubernetes.container.name': 'app',
  'io.containerd.image.config.stop-signal': 'SIGTERM',
};

test('podNames and displayName: the kubelet\'s labels', () => {
  assert.deepEqual(podNames(LABELS), { namespace: 'payments', pod: 'api-7d9c', container: 'app' });
  assert.equal(displayName('za-try-1', podNames(LABELS)), 'payments/api-7d9c/app');
  assert.equal(podNames({ 'io.kubernetes.pod.name': 'x' }), undefined);
  assert.equal(displayName('abc', undefined), 'abc');
  assert.equal(displayName('s', { namespace: 'payments', pod: 'api-7d9c', container: '' }), 'payments/api-7d9c');
});

test('isSandbox: the CRI label or annotation, else a pause image', () => {
  assert.equal(isSandbox({ 'io.cri-containerd.kind': 'sandbox' }, 'registry.k8s.io/pause:3.9'), true);
  assert.equal(isSandbox({}, 'x', { 'io.kubernetes.cri.container-type': 'sandbox' }), true);
  assert.equal(isSandbox({ 'io.cri-containerd.kind': 'container' }, 'registry.k8s.io/pause:3.9'), false, 'the label wins');
  assert.equal(isSandbox({}, 'registry.k8s.io/pause:3.9'), true);
  assert.equal(isSandbox({}, 'k8s.gcr.io/pause-amd64:3.1'), true);
  assert.equal(isSandbox({}, 'docker.io/library/pause'), true);
  assert.equal(isSandbox(LABELS, 'docker.io/zombie-audit-fixture/leaky-pid1:latest'), false);
  assert.equal(isSandbox({}, 'docker.io/acme/pause-service:1'), false);
});

test('stopGrace: terminationGracePeriodSeconds as recorded, else Kubernetes\' 30 s, else containerd\'s none', () => {
  assert.deepEqual(stopGrace(LABELS, { 'io.kubernetes.pod.terminationGracePeriod': '45' }), { seconds: 45, source: 'kubernetes' });
  assert.deepEqual(stopGrace({ ...LABELS, 'io.kubernetes.pod.terminationGracePeriod': '5' }, {}), { seconds: 5, source: 'kubernetes' });
  assert.deepEqual(stopGrace(LABELS, {}), { seconds: 30, source: 'kubernetes-default' });
  assert.deepEqual(stopGrace(LABELS, { 'io.kubernetes.pod.terminationGracePeriod': 'soon' }), { seconds: 30, source: 'kubernetes-default' });
  assert.deepEqual(stopGrace({}, {}), { seconds: 10, source: 'engine-default' });
});

const C = (id: string, ns: string, pod: string, container: string, o: Partial<Candidate> = {}): Candidate =>
  ({ id, pod: { namespace: ns, pod, container }, sandbox: false, running: true, created: 1, ...o });

test('matchRef: id, namespace/pod/container, namespace/pod with one app container, id prefix', () => {
  const cands = [
    C('aaa111', 'payments', 'api-7d9c', 'app'),
    C('bbb222', 'payments', 'api-7d9c', '', { sandbox: true }),
    C('ccc333', 'payments', 'web-1', 'nginx'),
    C('ddd444', 'payments', 'web-1', 'log'),
    C('eee555', 'payments', 'api-7d9c', 'app', { running: false, created: 5 }),
    { id: 'plain-ctr', sandbox: false, running: true, created: 0 },
  ];
  assert.deepEqual(matchRef('payments/api-7d9c/app', cands), { kind: 'one', id: 'aaa111' }, 'the running one of two restarts');
  assert.deepEqual(matchRef('payments/api-7d9c', cands), { kind: 'one', id: 'aaa111' }, 'the sandbox is no app container');
  assert.deepEqual(matchRef('payments/web-1', cands), { kind: 'ambiguous', names: ['payments/web-1/log', 'payments/web-1/nginx'] });
  assert.deepEqual(matchRef('payments/web-1/log', cands), { kind: 'one', id: 'ddd444' });
  assert.deepEqual(matchRef('payments/web-1/nope', cands), { kind: 'none' });
  assert.deepEqual(matchRef('plain-ctr', cands), { kind: 'one', id: 'plain-ctr' });
  assert.deepEqual(matchRef('ccc', cands), { kind: 'one', id: 'ccc333' });
  assert.deepEqual(matchRef('zz', cands), { kind: 'none' });
  assert.deepEqual(matchRef('payments/api-7d9c/app', [C('x', 'payments', 'api-7d9c', 'app', { running: false, created: 1 }), C('y', 'payments', 'api-7d9c', 'app', { running: false, created: 9 })]), { kind: 'one', id: 'y' }, 'else the newest');
  assert.deepEqual(nearNames('payments/api/app', cands).slice(0, 1), ['payments/api-7d9c/app']);
});

test('summarize: a containerd container and its task as the seam\'s ContainerSummary', () => {
  const spec = Buffer.from(JSON.stringify({ annotations: { 'io.kubernetes.pod.terminationGracePeriod': '45' }, linux: { resources: { pids: { limit: 64 } } } }));
  const s = summarize({ id: 'za-try-1', labels: LABELS, image: 'docker.io/zombie-audit-fixture/leaky-pid1:latest', spec: { typeUrl: 'types.containerd.io/opencontainers/runtime-spec/1/Spec', value: spec }, createdAt: { seconds: '1796187156', nanos: 0 } },
    { id: 'za-try-1', containerId: '', pid: 13587, status: 'RUNNING', exitStatus: 0 });
  assert.equal(s.name, 'payments/api-7d9c/app');
  assert.equal(s.runtime, 'containerd');
  assert.equal(s.state, 'running');
  assert.equal(s.hostPid, 13587);
  assert.equal(s.stopSignal, 'SIGTERM');
  assert.equal(s.stopTimeoutSeconds, 45);
  assert.equal(s.graceSource, 'kubernetes');
  assert.equal(s.pidsLimit, 64);
  assert.equal(s.sandbox, false);
  const stopped = summarize({ id: 'x', labels: {}, image: 'i' }, { id: 'x', containerId: '', pid: 99, status: 'STOPPED', exitStatus: 137 });
  assert.equal(stopped.state, 'stopped');
  assert.equal(stopped.exitCode, 137);
  assert.equal(stopped.hostPid, undefined);
  assert.equal(summarize({ id: 'y', labels: {}, image: 'i' }, undefined).state, 'created');
  assert.equal(matchesFilters(s, ['label=io.kubernetes.pod.namespace=payments', 'name=api', 'ancestor=zombie-audit-fixture/leaky-pid1', 'pod=api-7d9c']), true);
  assert.equal(matchesFilters(s, ['label=io.kubernetes.pod.namespace=web']), false);
  assert.throws(() => matchesFilters(s, ['volume=x']), /not supported/);
});

test('address and namespace: flag, then environment, then the defaults', () => {
  assert.deepEqual(resolveContainerd({}, {}), { address: '/run/containerd/containerd.sock', namespace: 'k8s.io', source: 'default' });
  assert.deepEqual(resolveContainerd({}, { CONTAINERD_ADDRESS: 'unix:///tmp/x.sock', CONTAINERD_NAMESPACE: 'moby' }), { address: '/tmp/x.sock', namespace: 'moby', source: 'CONTAINERD_ADDRESS' });
  assert.deepEqual(resolveContainerd({ address: '/a.sock', namespace: 'default' }, { CONTAINERD_ADDRESS: '/b.sock' }), { address: '/a.sock', namespace: 'default', source: '--address' });
  assert.throws(() => resolveContainerd({ namespace: '../x' }, {}), /not a containerd namespace/);
  assert.throws(() => socketPath('tcp://1.2.3.4:5'), /not a unix socket/);
  const usage = (m: string) => new Error(m);
  assert.throws(() => toRuntimeOptions({ runtime: 'cri-o' }, usage), /--runtime takes one of docker, containerd, auto/);
  assert.throws(() => toRuntimeOptions({ address: '/x' }, usage), /go with --runtime containerd/);
  assert.deepEqual(toRuntimeOptions({}, usage), { runtime: 'docker', address: undefined, namespace: undefined });
  const none = () => false;
  assert.equal(pickRuntime({ runtime: 'auto' }, { DOCKER_HOST: 'unix:///x' }, none), 'docker');
  assert.equal(pickRuntime({ runtime: 'auto' }, {}, (p) => p === '/run/containerd/containerd.sock'), 'containerd');
  assert.equal(pickRuntime({ runtime: 'auto', address: 'unix:///tmp/c.sock' }, {}, (p) => p === '/tmp/c.sock'), 'containerd');
  assert.equal(pickRuntime({ runtime: 'auto' }, {}, none), 'docker', 'nothing answers: docker, whose error says what is missing');
});

test('the API descriptor is generated from the vendored .proto files, which carry their licence', () => {
  const root = fileURLToPath(new URL('../../../../../', import.meta.url));
  const fresh = execFileSync(process.execPath, [`${root}scripts/containerd-proto.mjs`, '--print'], { encoding: 'utf8' });
  assert.equal(fresh, readFileSync(`${root}src/engine/containerd/api-descriptor.ts`, 'utf8'), 'regenerate: node scripts/containerd-proto.mjs');
  assert.match(readFileSync(`${root}vendor/containerd-api/LICENSE`, 'utf8'), /Apache License\s+Version 2\.0/);
  for (const m of ['Containers', 'Tasks', 'Version', 'Namespaces']) assert.match(fresh, new RegExp(`"${m}":\\{"methods"`));
});
