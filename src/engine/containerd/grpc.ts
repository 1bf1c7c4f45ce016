import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import { ZaError } from '../errors.js';
import { CONTAINERD_API } from './api-descriptor.js';

/**
 * containerd's gRPC API (1.6, the vendored .proto files in vendor/containerd-api/) over its unix
 * socket, with @grpc/grpc-js. Every call carries the namespace in the `containerd-namespace`
 * metadata, as containerd's own clients do. grpc-js is loaded on first use: the Docker path
 * never pays for it.
 */

const require = createRequire(import.meta.url);

/** google.protobuf.Any as proto-loader gives it */
export interface AnyMessage { typeUrl?: string; value?: Buffer }

export interface CdContainer {
  id: string;
  labels: Record<string, string>;
  image: string;
  runtime?: { name?: string };
  spec?: AnyMessage;
  snapshotter?: string;
  snapshotKey?: string;
  createdAt?: { seconds?: string; nanos?: number };
}

export type CdStatus = 'UNKNOWN' | 'CREATED' | 'RUNNING' | 'STOPPED' | 'PAUSED' | 'PAUSING';

export interface CdProcess {
  id: string;
  containerId: string;
  pid: number;
  status: CdStatus;
  exitStatus: number;
}

type Unary = (req: object, md: GrpcJs.Metadata, opts: GrpcJs.CallOptions, cb: (err: GrpcJs.ServiceError | null, res: unknown) => void) => void;
type Stub = GrpcJs.Client & Record<string, Unary>;

interface Loaded { grpc: typeof GrpcJs; services: Record<'containers' | 'tasks' | 'version' | 'namespaces', GrpcJs.ServiceClientConstructor> }
let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const grpc = require('@grpc/grpc-js') as typeof GrpcJs;
  const loader = require('@grpc/proto-loader') as typeof ProtoLoader;
  const def = loader.fromJSON(CONTAINERD_API as Parameters<typeof loader.fromJSON>[0], {
    longs: String, enums: String, defaults: true, oneofs: true,
  });
  // the generated package tree is untyped: its shape is containerd's .proto files
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const pkg = grpc.loadPackageDefinition(def) as any;
  const s = pkg.containerd.services;
  loaded = {
    grpc,
    services: {
      containers: s.containers.v1.Containers, tasks: s.tasks.v1.Tasks,
      version: s.version.v1.Version, namespaces: s.namespaces.v1.Namespaces,
    },
  };
  return loaded;
}

/** The default socket of a containerd on a node. */
export const DEFAULT_ADDRESS = '/run/containerd/containerd.sock';

/** A unix socket path from `/path`, `unix:///path` or `unix:/path`. */
export function socketPath(address: string): string {
  const m = /^unix:(?:\/\/)?(\/.*)$/.exec(address);
  if (m) return m[1];
  if (address.startsWith('/')) return address;
  throw new ZaError('USAGE', `containerd address ${JSON.stringify(address)} is not a unix socket path`,
    `pass --address /run/containerd/containerd.sock (or unix:///...), or set CONTAINERD_ADDRESS`);
}

export class ContainerdClient {
  private stubs = new Map<string, Stub>();

  constructor(
    readonly address: string,
    readonly namespace: string,
    private readonly timeoutMs = 20_000,
  ) {}

  private stub(name: keyof Loaded['services']): Stub {
    let s = this.stubs.get(name);
    if (!s) {
      const { services, grpc } = load();
      s = new services[name](`unix://${socketPath(this.address)}`, grpc.credentials.createInsecure(), {
        // a socket on the local machine: no keepalive pings, no retries that hide errors
        'grpc.enable_retries': 0,
      }) as Stub;
      this.stubs.set(name, s);
    }
    return s;
  }

  private call<T>(service: keyof Loaded['services'], method: string, req: object, timeoutMs = this.timeoutMs): Promise<T> {
    const { grpc } = load();
    const stub = this.stub(service);
    const md = new grpc.Metadata();
    md.set('containerd-namespace', this.namespace);
    return new Promise<T>((resolve, reject) => {
      stub[method].call(stub, req, md, { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(this.toError(err, `${service}.${method}`));
        else resolve(res as T);
      });
    });
  }

  private toError(err: GrpcJs.ServiceError, what: string): ZaError {
    const where = `containerd at ${this.address}`;
    const details = err.details || err.message;
    switch (err.code) {
      case 14: // UNAVAILABLE: no socket, nothing listening, or no permission to connect
        if (/EACCES|permission denied/i.test(details)) {
          return new ZaError('ENGINE_PERMISSION', `permission denied on ${where}`,
            'run as root on the node (the containerd socket is root-only), or in a pod with the socket mounted');
        }
        return new ZaError('ENGINE_UNREACHABLE', `cannot reach ${where}: ${details}`,
          'is containerd running there? pass --address or set CONTAINERD_ADDRESS (default /run/containerd/containerd.sock)');
      case 4:
        return new ZaError('ENGINE_TIMEOUT', `${where} did not answer ${what} within ${Math.round(this.timeoutMs / 1000)} s`, 'raise --timeout, or check that containerd is healthy');
      case 5:
        return new ZaError('NOT_FOUND', `${what}: ${details}`);
      case 7:
      case 16:
        return new ZaError('ENGINE_PERMISSION', `${where} refused ${what}: ${details}`, 'run as root on the node');
      default:
        return new ZaError('ENGINE_API', `${where}: ${what} failed: ${details}`);
    }
  }

  async version(): Promise<{ version: string; revision: string }> {
    return this.call('version', 'Version', {});
  }

  async namespaces(): Promise<string[]> {
    const r = await this.call<{ namespaces: Array<{ name: string }> }>('namespaces', 'List', {});
    return r.namespaces.map((n) => n.name);
  }

  async listContainers(filters: string[] = []): Promise<CdContainer[]> {
    const r = await this.call<{ containers: CdContainer[] }>('containers', 'List', { filters });
    return r.containers;
  }

  async getContainer(id: string): Promise<CdContainer> {
    const r = await this.call<{ container: CdContainer }>('containers', 'Get', { id });
    return r.container;
  }

  async listTasks(): Promise<CdProcess[]> {
    const r = await this.call<{ tasks: CdProcess[] }>('tasks', 'List', { filter: '' });
    return r.tasks;
  }

  /** the container's task, or undefined when it has none (created, or its task was deleted) */
  async getTask(containerId: string): Promise<CdProcess | undefined> {
    try {
      const r = await this.call<{ process: CdProcess }>('tasks', 'Get', { containerId });
      return r.process;
    } catch (e) {
      if (e instanceof ZaError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** host pids of every process of the task (its cgroup's tasks: zombies are not listed) */
  async listPids(containerId: string): Promise<number[]> {
    const r = await this.call<{ processes: Array<{ pid: number }> }>('tasks', 'ListPids', { containerId });
    return r.processes.map((p) => p.pid);
  }

  /** signal the task's init process (all: every process of the task) */
  async kill(containerId: string, signal: number, all = false): Promise<void> {
    await this.call('tasks', 'Kill', { containerId, execId: '', signal, all });
  }

  close(): void {
    for (const s of this.stubs.values()) s.close();
    this.stubs.clear();
  }
}
