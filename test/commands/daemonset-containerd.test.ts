import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { sleep } from '../helpers/engine.js';
import { TestContainerd } from '../src/engine/containerd/ctr.js';

// deploy/kubernetes/daemonset.yaml: what it grants, that the project's own lint passes it, and
// that the CLI run with exactly its privileges (uid 0, no new privileges, only the capabilities
// it adds) reads a node's pod containers on a real containerd; and that one capability less fails.
const ROOT = new URL('../../../', import.meta.url);
const BIN = fileURLToPath(new URL('bin/run.js', ROOT));
const FILE = fileURLToPath(new URL('deploy/kubernetes/daemonset.yaml', ROOT));

interface Container {
  args: string[];
  securityContext: { runAsUser: number; privileged: boolean; allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean; capabilities: { drop: string[]; add: string[] } };
  resources: { limits: { cpu: string; memory: string }; requests: Record<string, string> };
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
const ds = parse(readFileSync(FILE, 'utf8'));
const pod = ds.spec.template.spec;
const exporter: Container = pod.containers[0];
let cd: TestContainerd;

before(async () => {
  cd = await TestContainerd.up('ds');
  const leaky = await cd.importImage('zombie-audit-fixture/leaky-pid1');
  await cd.runContainer('app-1', leaky, { namespace: 'payments', pod: 'api-7d9c', container: 'app' }, ['/app', '--leak', '6']);
  await sleep(300);
});

after(async () => {
  if (!cd) return;
  try {
    await cd.clean();
    assert.deepEqual(await cd.leftovers(), { containers: [], tasks: [], snapshots: [], images: [] });
  } finally {
    cd.down();
  }
});

test('the DaemonSet: hostPID, the containerd socket, read-only root, one capability, limits', () => {
  assert.equal(ds.kind, 'DaemonSet');
  assert.equal(pod.hostPID, true);
  assert.equal(pod.hostNetwork, undefined, 'no host network');
  assert.equal(pod.automountServiceAccountToken, false, 'no Kubernetes API access needed');
  const sc = exporter.securityContext;
  assert.equal(sc.readOnlyRootFilesystem, true);
  assert.equal(sc.allowPrivilegeEscalation, false);
  assert.equal(sc.privileged, false);
  assert.deepEqual(sc.capabilities, { drop: ['ALL'], add: ['SYS_PTRACE'] });
  assert.equal(sc.runAsUser, 0, 'the socket is root\'s (0660): measured, see README');
  assert.ok(exporter.resources.limits.cpu && exporter.resources.limits.memory);
  const sock = pod.volumes.find((v: { hostPath?: { path: string; type: string } }) => v.hostPath?.path === '/run/containerd/containerd.sock');
  assert.equal(sock?.hostPath.type, 'Socket');
  const mount = exporter.volumeMounts.find((m) => m.name === sock.name);
  assert.deepEqual([mount?.mountPath, mount?.readOnly], ['/run/containerd/containerd.sock', true]);
  assert.deepEqual(exporter.args.slice(0, 3), ['exporter', '--runtime', 'containerd']);
});

test('zombie-audit lint passes it', () => {
  const r = spawnSync(process.execPath, [BIN, 'lint', FILE, '--json'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).findings, []);
});

function asDaemonSet(caps: string[], args: string[]) {
  // uid 0 as runAsUser, no_new_privs as allowPrivilegeEscalation: false, the bounding set as
  // capabilities (drop ALL, add ...): a root process's capabilities after exec are that set
  const bounding = ['-all', ...caps.map((c) => `+${c.toLowerCase()}`)].join(',');
  return spawnSync('setpriv', ['--reuid=0', '--regid=0', '--clear-groups', '--no-new-privs', `--bounding-set=${bounding}`, '--inh-caps=-all', '--',
    process.execPath, BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, CONTAINERD_ADDRESS: cd.sock, NO_COLOR: '' } });
}

test('with exactly its capabilities the CLI reads every pod container on a real containerd', () => {
  const r = asDaemonSet(exporter.securityContext.capabilities.add, ['--all', '--runtime', 'containerd', '--json']);
  assert.equal(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.containers.map((c: { container: { name: string }; processes: { zombies: number } }) => [c.container.name, c.processes.zombies]), [['payments/api-7d9c/app', 6]]);
});

test('without SYS_PTRACE the pid namespaces are unreadable: one clear error, exit 2', () => {
  const r = asDaemonSet([], ['payments/api-7d9c/app', '--runtime', 'containerd']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot read the PID namespace of payments\/api-7d9c\/app's task .* needs root\n  hint: .*CAP_SYS_PTRACE/);
});
