import { closeNames } from './names.js';
import { Engine } from './client.js';
import { resolveEndpoint } from './connection.js';
import { ZaError } from './errors.js';
import type { ContainerRuntime, ContainerSummary, GraceSource, RuntimeExecResult } from './runtime.js';

/**
 * The runtime seam on Docker (dockerode/docker-modem through Engine). Podman's
 * Docker-compatible socket works through it too (DOCKER_HOST=unix:///run/podman/podman.sock).
 */

/** The parts of GET /containers/{id}/json the seam reads. */
interface Inspect {
  Id: string;
  Name: string;
  Image: string;
  State: { Status: string; Running: boolean; Paused: boolean; Restarting: boolean; ExitCode: number; StartedAt?: string; Pid?: number };
  Config: { Image: string; StopSignal?: string; StopTimeout?: number | null; Labels?: Record<string, string> | null };
  HostConfig: { PidsLimit?: number | null; Init?: boolean | null };
}

/** kubelet labels (dockershim) */
const K8S = { ns: 'io.kubernetes.pod.namespace', pod: 'io.kubernetes.pod.name', container: 'io.kubernetes.container.name', grace: 'io.kubernetes.pod.terminationGracePeriod' };

export function summarize(j: Inspect): ContainerSummary {
  const labels = j.Config.Labels ?? {};
  const s = j.State;
  const state: ContainerSummary['state'] = s.Paused ? 'paused' : s.Restarting ? 'restarting' : s.Running ? 'running'
    : s.Status === 'created' ? 'created' : s.Status === 'exited' || s.Status === 'dead' ? 'stopped' : 'unknown';
  const pod = labels[K8S.ns] && labels[K8S.pod] && labels[K8S.container]
    ? { namespace: labels[K8S.ns], pod: labels[K8S.pod], container: labels[K8S.container] } : undefined;
  let stopTimeoutSeconds = 10;
  let graceSource: GraceSource = 'engine-default';
  if (typeof j.Config.StopTimeout === 'number') {
    stopTimeoutSeconds = j.Config.StopTimeout;
    graceSource = 'container';
  } else if (pod && labels[K8S.grace] && /^\d+$/.test(labels[K8S.grace])) {
    stopTimeoutSeconds = Number(labels[K8S.grace]);
    graceSource = 'kubernetes';
  }
  const limit = j.HostConfig.PidsLimit;
  return {
    runtime: 'docker',
    id: j.Id,
    name: j.Name.replace(/^\//, ''),
    image: j.Config.Image,
    labels,
    ...(pod ? { pod } : {}),
    state,
    ...(state === 'stopped' ? { exitCode: s.ExitCode } : {}),
    ...(s.Pid && s.Pid > 0 ? { hostPid: s.Pid } : {}),
    ...(s.StartedAt && !s.StartedAt.startsWith('0001-') ? { startedAt: s.StartedAt } : {}),
    stopSignal: j.Config.StopSignal || undefined,
    stopTimeoutSeconds,
    graceSource,
    pidsLimit: typeof limit === 'number' && limit > 0 ? limit : undefined,
    init: j.HostConfig.Init ?? undefined,
  };
}

/** `k=v` docker ps filters as the API's filters map. */
export function filterMap(filters: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of filters) {
    const i = f.indexOf('=');
    if (i <= 0) throw new ZaError('USAGE', `a filter is key=value (label=team=api, name=web), not ${JSON.stringify(f)}`);
    (out[f.slice(0, i)] ??= []).push(f.slice(i + 1));
  }
  return out;
}

export class DockerRuntime implements ContainerRuntime {
  readonly kind = 'docker' as const;

  constructor(readonly engine: Engine) {}

  /** The docker runtime at --host / DOCKER_HOST / the docker context / the default socket. */
  static connect(host: string | undefined, env: NodeJS.ProcessEnv = process.env, timeoutMs?: number): DockerRuntime {
    return new DockerRuntime(new Engine(resolveEndpoint(host, env), { timeoutMs, env }));
  }

  describe(): string {
    return `docker at ${this.engine.describe()}`;
  }

  close(): void {
    this.engine.close();
  }

  private async inspect(ref: string): Promise<Inspect> {
    return this.engine.json<Inspect>('GET', `/containers/${encodeURIComponent(ref)}/json`);
  }

  async find(ref: string): Promise<ContainerSummary> {
    try {
      // the engine resolves a name, a full id or an unambiguous id prefix
      return summarize(await this.inspect(ref));
    } catch (e) {
      if (!(e instanceof ZaError) || e.code !== 'NOT_FOUND') throw e;
    }
    // namespace/pod/container (kubelet labels)
    const parts = ref.split('/');
    if (parts.length === 3) {
      const hits = await this.list({ all: true, filters: [`label=${K8S.ns}=${parts[0]}`, `label=${K8S.pod}=${parts[1]}`, `label=${K8S.container}=${parts[2]}`] });
      const live = hits.filter((h) => h.state === 'running');
      if (live.length === 1 || hits.length === 1) return live[0] ?? hits[0];
    }
    const all = await this.engine.json<Array<{ Names: string[] }>>('GET', '/containers/json', { query: { all: 1 } }).catch(() => []);
    const near = closeNames(ref, all.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ''))));
    throw new ZaError('NOT_FOUND', `no container named or with id "${ref}"`, near.length ? `did you mean: ${near.join(', ')}?` : 'list containers with `docker ps -a`', 404);
  }

  async list(opts: { all?: boolean; filters?: string[] } = {}): Promise<ContainerSummary[]> {
    const filters = filterMap(opts.filters ?? []);
    const rows = await this.engine.json<Array<{ Id: string }>>('GET', '/containers/json', {
      query: { all: opts.all ? 1 : undefined, filters: Object.keys(filters).length ? JSON.stringify(filters) : undefined },
    });
    // the list lacks stop timeout, pids limit and host pid: inspect each (a container gone meanwhile is left out)
    const out = await Promise.allSettled(rows.map((r) => this.inspect(r.Id)));
    return out.flatMap((o) => (o.status === 'fulfilled' ? [summarize(o.value)] : []));
  }

  async exec(id: string, argv: string[], opts: { timeoutMs?: number; signal?: AbortSignal; onStdout?: (text: string) => void } = {}): Promise<RuntimeExecResult> {
    const r = await this.engine.exec(id, argv, { ...opts, exitCode: true });
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? null };
  }

  async readProcesses(c: ContainerSummary, opts: { signal?: AbortSignal } = {}): Promise<Buffer> {
    if (opts.signal?.aborted) throw new ZaError('ENGINE_TIMEOUT', 'interrupted');
    const { runHelper } = await import('../collect/helper.js');
    return Buffer.from(await runHelper(this.engine, `container:${c.id}`), 'latin1');
  }

  async signal(id: string, signal: string): Promise<void> {
    const name = signal.toUpperCase().replace(/^SIG/, '');
    if (!/^([A-Z]{2,8}\d?|RTMIN(\+\d+)?|RTMAX(-\d+)?|\d{1,2})$/.test(name)) throw new ZaError('USAGE', `not a signal: ${JSON.stringify(signal)}`);
    await this.engine.json('POST', `/containers/${encodeURIComponent(id)}/kill`, { query: { signal: /^\d+$/.test(name) ? name : `SIG${name}` } });
  }
}
