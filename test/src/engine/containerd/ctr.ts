import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * A standalone containerd of the test's own (scripts/containerd-up.sh: its own config, root,
 * state and socket under a temp folder; never dockerd's), driven with Debian's ctr as a
 * kubelet would label containers. Everything is argv arrays.
 */
const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const run = promisify(execFile);

export const K8S_NS = 'k8s.io';

export interface PodLabels { namespace: string; pod: string; container?: string; sandbox?: boolean }

export class TestContainerd {
  readonly images = new Set<string>();

  private constructor(readonly dir: string, readonly sock: string) {}

  static async up(name: string): Promise<TestContainerd> {
    const dir = `/tmp/za-cd-${name}-${randomBytes(3).toString('hex')}`;
    const { stdout } = await run('bash', [`${ROOT}scripts/containerd-up.sh`, dir], { encoding: 'utf8', timeout: 300_000 });
    return new TestContainerd(dir, stdout.trim().split('\n').pop()!);
  }

  async ctr(args: string[], timeoutMs = 60_000): Promise<string> {
    const { stdout } = await run('ctr', ['-a', this.sock, '-n', K8S_NS, ...args], { encoding: 'utf8', timeout: timeoutMs });
    return stdout;
  }

  /** `docker save IMG | ctr image import -`: returns the reference containerd gives it */
  async importImage(image: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const save = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'inherit'] });
      const imp = spawn('ctr', ['-a', this.sock, '-n', K8S_NS, 'image', 'import', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      imp.stderr.on('data', (d) => { err += d; });
      save.stdout.pipe(imp.stdin);
      save.on('error', reject);
      imp.on('error', reject);
      imp.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ctr image import ${image}: ${code} ${err}`))));
    });
    const ref = `docker.io/${image}:latest`;
    this.images.add(ref);
    return ref;
  }

  /** `ctr run -d` with the kubelet's labels; returns the task's host pid */
  async runContainer(id: string, image: string, pod: PodLabels | undefined, argv: string[], extra: string[] = []): Promise<number> {
    const labels: string[] = [];
    if (pod) {
      labels.push('--label', `io.kubernetes.pod.namespace=${pod.namespace}`, '--label', `io.kubernetes.pod.name=${pod.pod}`);
      if (pod.container) labels.push('--label', `io.kubernetes.container.name=${pod.container}`);
      labels.push('--label', `io.cri-containerd.kind=${pod.sandbox ? 'sandbox' : 'container'}`);
    }
    // runc's state and the cgroup under names of the test's own too: their defaults
    // (/run/containerd/runc/<namespace>, cgroup /<namespace>/<id>) are shared by every containerd
    // on the host, and two test files' `app-1` would be one cgroup (killed together)
    await this.ctr(['run', '-d', '--fifo-dir', `${this.dir}/fifo`, '--runc-root', `${this.dir}/runc`,
      '--cgroup', `/${basename(this.dir)}/${id}`, ...labels, ...extra, image, id, ...argv]);
    return this.pid(id);
  }

  async pid(id: string): Promise<number> {
    const out = await this.ctr(['task', 'ls']);
    const line = out.split('\n').find((l) => l.split(/\s+/)[0] === id);
    return Number(line?.split(/\s+/)[1]);
  }

  /** what is left in this containerd: containers, tasks, snapshots, images */
  async leftovers(): Promise<{ containers: string[]; tasks: string[]; snapshots: string[]; images: string[] }> {
    const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
    const [c, t, s, i] = await Promise.all([
      this.ctr(['containers', 'ls', '-q']), this.ctr(['tasks', 'ls', '-q']),
      this.ctr(['snapshots', 'ls']), this.ctr(['images', 'ls', '-q']),
    ]);
    return { containers: lines(c), tasks: lines(t), snapshots: lines(s).slice(1), images: lines(i) };
  }

  /** remove every task, container, snapshot and imported image */
  async clean(): Promise<void> {
    const { containers } = await this.leftovers();
    for (const id of containers) {
      await this.ctr(['tasks', 'delete', '--force', id]).catch(() => undefined);
      await this.ctr(['containers', 'delete', id]).catch(() => undefined);
    }
    for (const ref of this.images) await this.ctr(['images', 'rm', '--sync', ref]).catch(() => undefined);
  }

  down(): void {
    execFileSync('bash', [`${ROOT}scripts/containerd-up.sh`, '--down', this.dir], { stdio: 'ignore', timeout: 60_000 });
  }
}
