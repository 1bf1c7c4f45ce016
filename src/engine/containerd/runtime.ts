import { constants } from 'node:os';
import { ZaError } from '../errors.js';
import type { ContainerRuntime, ContainerSummary } from '../runtime.js';
import { ContainerdClient, DEFAULT_ADDRESS, socketPath, type CdContainer, type CdProcess } from './grpc.js';
import { orphanInNamespace, readHost } from './host-reader.js';
import { displayName, isSandbox, K8S, matchRef, nearNames, podNames, stopGrace, type Candidate } from './names.js';

/**
 * ContainerRuntime for containerd (a Kubernetes node): containers and tasks through containerd's
 * gRPC API, processes read from the host's /proc by the project's own reader (host-reader.ts).
 * The CLI runs on the node as root; `exec` is absent (a node has no `docker exec`).
 */

export const DEFAULT_NAMESPACE = 'k8s.io';

export interface ContainerdOptions {
  /** socket path or unix:// address; default CONTAINERD_ADDRESS, then /run/containerd/containerd.sock */
  address?: string;
  /** containerd namespace; default CONTAINERD_NAMESPACE, then k8s.io (the kubelet's) */
  namespace?: string;
  timeoutMs?: number;
}

/** Where to connect and in which namespace, from flags and the environment. */
export function resolveContainerd(o: ContainerdOptions, env: NodeJS.ProcessEnv = process.env): { address: string; namespace: string; source: string } {
  const [address, source] = o.address ? [o.address, '--address'] : env.CONTAINERD_ADDRESS ? [env.CONTAINERD_ADDRESS, 'CONTAINERD_ADDRESS'] : [DEFAULT_ADDRESS, 'default'];
  const namespace = o.namespace || env.CONTAINERD_NAMESPACE || DEFAULT_NAMESPACE;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(namespace)) {
    throw new ZaError('USAGE', `--namespace ${JSON.stringify(namespace)} is not a containerd namespace name`, 'e.g. --namespace k8s.io (the kubelet\'s), or list them with `ctr namespaces ls`');
  }
  return { address: socketPath(address), namespace, source };
}

/** Extension of the seam for runtimes that read many containers in one pass (--all, exporter). */
export interface BatchProcessReader {
  /** one host read for every container: per container the raw host read (collect/node.ts cuts it), or why not */
  readProcessesMany(cs: readonly ContainerSummary[], opts?: { signal?: AbortSignal }): Promise<Map<string, Buffer | ZaError>>;
}

interface OciSpec {
  annotations?: Record<string, string>;
  process?: { args?: string[] };
  linux?: { resources?: { pids?: { limit?: number } } };
}

function parseSpec(c: CdContainer): OciSpec {
  if (!c.spec?.value?.length) return {};
  try { return JSON.parse(c.spec.value.toString('utf8')) as OciSpec; } catch { return {}; }
}

const STATES: Record<string, ContainerSummary['state']> = {
  RUNNING: 'running', PAUSED: 'paused', PAUSING: 'paused', STOPPED: 'stopped', CREATED: 'created', UNKNOWN: 'unknown',
};

export function summarize(c: CdContainer, task: CdProcess | undefined): ContainerSummary & { sandbox: boolean } {
  const spec = parseSpec(c);
  const annotations = spec.annotations ?? {};
  const pod = podNames(c.labels);
  const grace = stopGrace(c.labels, annotations);
  const limit = spec.linux?.resources?.pids?.limit;
  const stop = c.labels[K8S.stopSignal];
  return {
    runtime: 'containerd',
    id: c.id,
    name: displayName(c.id, pod),
    image: c.image,
    labels: c.labels,
    pod,
    state: task ? STATES[task.status] ?? 'unknown' : 'created',
    exitCode: task && task.status === 'STOPPED' ? task.exitStatus : undefined,
    hostPid: task && task.pid > 0 && task.status !== 'STOPPED' ? task.pid : undefined,
    startedAt: c.createdAt?.seconds ? new Date(Number(c.createdAt.seconds) * 1000).toISOString() : undefined,
    stopSignal: stop ? (stop.startsWith('SIG') ? stop : `SIG${stop}`) : undefined,
    stopTimeoutSeconds: grace.seconds,
    graceSource: grace.source,
    pidsLimit: limit && limit > 0 ? limit : undefined,
    init: false,
    sandbox: isSandbox(c.labels, c.image, annotations),
  };
}

/** docker ps-style filters (`label=k`, `label=k=v`, `name=substr`, `ancestor=image`) on summaries. */
export function matchesFilters(s: ContainerSummary, filters: readonly string[]): boolean {
  for (const f of filters) {
    const i = f.indexOf('=');
    const key = f.slice(0, i);
    const value = f.slice(i + 1);
    if (key === 'label') {
      const j = value.indexOf('=');
      const ok = j < 0 ? value in s.labels : s.labels[value.slice(0, j)] === value.slice(j + 1);
      if (!ok) return false;
    } else if (key === 'name') {
      if (!s.name.includes(value) && !s.id.startsWith(value)) return false;
    } else if (key === 'ancestor') {
      if (s.image !== value && !s.image.startsWith(`${value}:`) && !s.image.endsWith(`/${value}`) && !s.image.includes(`/${value}:`)) return false;
    } else if (key === 'namespace' || key === 'pod') {
      if ((key === 'namespace' ? s.pod?.namespace : s.pod?.pod) !== value) return false;
    } else {
      throw new ZaError('USAGE', `--filter ${key}=... is not supported on containerd`, 'use label=, name=, ancestor=, namespace= or pod=');
    }
  }
  return true;
}

/** Extension of the seam: make an orphan in a container's PID namespace without exec (the zombie probe). */
export interface OrphanMaker {
  /** the raw output of `za-proc --orphan` run in the container's PID namespace */
  makeOrphan(c: ContainerSummary, timeoutMs: number): Promise<string>;
}

export class ContainerdRuntime implements ContainerRuntime, BatchProcessReader, OrphanMaker {
  readonly kind = 'containerd' as const;
  readonly client: ContainerdClient;
  readonly address: string;
  readonly namespace: string;

  constructor(o: ContainerdOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    const r = resolveContainerd(o, env);
    this.address = r.address;
    this.namespace = r.namespace;
    this.client = new ContainerdClient(r.address, r.namespace, o.timeoutMs ?? 20_000);
  }

  describe(): string {
    return `containerd at unix://${this.address} (namespace ${this.namespace})`;
  }

  close(): void {
    this.client.close();
  }

  /** every container of the namespace with its task, sandboxes marked */
  private async all(): Promise<Array<ContainerSummary & { sandbox: boolean }>> {
    const [containers, tasks] = await Promise.all([this.client.listContainers(), this.client.listTasks()]);
    const byId = new Map(tasks.map((t) => [t.id, t]));
    return containers.map((c) => summarize(c, byId.get(c.id)));
  }

  async find(ref: string): Promise<ContainerSummary> {
    if (!ref || /[\s\0]/.test(ref)) {
      throw new ZaError('USAGE', `${JSON.stringify(ref)} is not a container reference`, 'name it as namespace/pod/container, namespace/pod, or by its containerd id');
    }
    const all = await this.all();
    const cands: Candidate[] = all.map((s) => ({ id: s.id, pod: s.pod, sandbox: s.sandbox, running: s.state === 'running', created: Date.parse(s.startedAt ?? '') || 0 }));
    const m = matchRef(ref, cands);
    if (m.kind === 'one') return strip(all.find((s) => s.id === m.id)!);
    if (m.kind === 'ambiguous') {
      throw new ZaError('USAGE', `${ref} names more than one container: ${m.names.slice(0, 5).join(', ')}`, 'name one as namespace/pod/container');
    }
    const near = nearNames(ref, cands);
    throw new ZaError('NOT_FOUND', `no container ${JSON.stringify(ref)} in ${this.describe()}`,
      near.length ? `did you mean: ${near.join(', ')}?` : `list them with \`ctr -a ${this.address} -n ${this.namespace} containers ls\` (or crictl ps); other namespaces: --namespace`);
  }

  async list(opts: { all?: boolean; filters?: string[] } = {}): Promise<ContainerSummary[]> {
    const all = await this.all();
    return all
      .filter((s) => !s.sandbox && (opts.all || s.state === 'running') && matchesFilters(s, opts.filters ?? []))
      .map(strip)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async readProcesses(c: ContainerSummary, opts: { signal?: AbortSignal } = {}): Promise<Buffer> {
    const r = (await this.readProcessesMany([c], opts)).get(c.id)!;
    if (r instanceof ZaError) throw r;
    return r;
  }

  async readProcessesMany(cs: readonly ContainerSummary[], opts: { signal?: AbortSignal } = {}): Promise<Map<string, Buffer | ZaError>> {
    const out = new Map<string, Buffer | ZaError>();
    const todo: Array<[ContainerSummary, number]> = [];
    for (const c of cs) {
      const e = stateError(c);
      if (e) out.set(c.id, e);
      else todo.push([c, c.hostPid!]);
    }
    if (!todo.length) return out;
    // one host read for all: the raw reader output (collect/node.ts cuts it per container)
    const host = Buffer.from(await readHost({ signal: opts.signal }), 'latin1');
    for (const [c] of todo) out.set(c.id, host);
    return out;
  }

  async makeOrphan(c: ContainerSummary, timeoutMs: number): Promise<string> {
    const e = stateError(c);
    if (e) throw e;
    return orphanInNamespace(c.hostPid!, timeoutMs);
  }

  async signal(id: string, signal: string): Promise<void> {
    const name = signal.replace(/^SIG/, '').toUpperCase();
    const n = (constants.signals as Record<string, number>)[`SIG${name}`];
    if (!n) throw new ZaError('USAGE', `unknown signal ${JSON.stringify(signal)}`, 'e.g. TERM, INT, HUP, QUIT, KILL');
    await this.client.kill(id, n, false);
  }
}

function strip(s: ContainerSummary & { sandbox: boolean }): ContainerSummary {
  const { sandbox: _sandbox, ...rest } = s;
  return rest;
}

/** Why a container cannot be read now, or undefined when it can. */
export function stateError(c: ContainerSummary): ZaError | undefined {
  if (c.state === 'paused') return new ZaError('PAUSED', `container ${c.name} is paused`, `resume it (\`ctr task resume ${c.id}\`) to audit it: a paused container runs nothing`);
  if (c.state !== 'running' || !c.hostPid) {
    return new ZaError('NOT_RUNNING', `container ${c.name} is not running (${c.state}${c.exitCode !== undefined ? `, exit code ${c.exitCode}` : ''})`,
      c.exitCode === 137 ? 'exit 137 is SIGKILL: often the kubelet\'s kill after a dropped SIGTERM; lint its image: `zombie-audit lint --image ' + c.image + '`'
        : 'the kubelet restarts it or it is done; lint its image before deploy: `zombie-audit lint --image ' + c.image + '`');
  }
  return undefined;
}
