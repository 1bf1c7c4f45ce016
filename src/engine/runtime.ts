/**
 * The runtime seam: the operations the rest of the tool needs from whatever runs the
 * containers (Docker through dockerode, containerd through its gRPC API, Podman through its
 * Docker-compatible socket). collect, probe, fix, watch and the exporter call these, never an
 * engine's API directly, so that a runtime plugs in without touching them.
 *
 * Data flows one way: engine -> collect -> proc -> analysis -> findings -> render. The seam
 * therefore returns raw bytes of a /proc reader (collect parses them), never parsed records.
 */

export type RuntimeKind = 'docker' | 'containerd' | 'podman';

/** Kubernetes names of a pod's container, from the kubelet's labels (io.kubernetes.*). */
export interface PodNames {
  namespace: string;
  pod: string;
  container: string;
}

/** Where the stop grace period comes from. */
export type GraceSource =
  | 'container' // the container's own StopTimeout
  | 'engine-default' // the engine's default (10 s for docker stop)
  | 'kubernetes' // the pod's terminationGracePeriodSeconds, as the kubelet recorded it
  | 'kubernetes-default'; // 30 s: Kubernetes' default, nothing recorded

/** One container as every command sees it, whatever runs it. */
export interface ContainerSummary {
  runtime: RuntimeKind;
  id: string;
  /** the name people use: docker's name, or namespace/pod/container on Kubernetes */
  name: string;
  image: string;
  labels: Record<string, string>;
  pod?: PodNames;
  state: 'running' | 'paused' | 'stopped' | 'created' | 'restarting' | 'unknown';
  exitCode?: number;
  /** PID 1 of the container, as a pid of the host's PID namespace (the task's pid) */
  hostPid?: number;
  startedAt?: string;
  /** e.g. SIGTERM; undefined: the runtime's default (SIGTERM) */
  stopSignal?: string;
  stopTimeoutSeconds: number;
  graceSource: GraceSource;
  /** pids limit; undefined: unlimited */
  pidsLimit?: number;
  /** started with the engine's own init (docker run --init) */
  init?: boolean;
}

export interface RuntimeExecResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface ContainerRuntime {
  readonly kind: RuntimeKind;
  /** "docker at unix:///var/run/docker.sock", for reports and errors */
  describe(): string;
  close(): void;
  /** by name, id, id prefix or, on Kubernetes, namespace/pod/container; ZaError NOT_FOUND (with suggestions) otherwise */
  find(ref: string): Promise<ContainerSummary>;
  /** running containers (all with `all`); `filters` as docker ps's `k=v` (label=..., name=...) */
  list(opts?: { all?: boolean; filters?: string[] }): Promise<ContainerSummary[]>;
  /** run an argv (never a shell string built from input) in the container; absent where the runtime cannot */
  exec?(id: string, argv: string[], opts?: { timeoutMs?: number; signal?: AbortSignal; onStdout?: (text: string) => void }): Promise<RuntimeExecResult>;
  /**
   * Read the container's processes from the host side (no shell needed in the image): the raw
   * output of the project's /proc reader (native/za-proc.c), one character per byte. Docker: a
   * helper in the container's PID namespace, in its own numbering. containerd: one read of the
   * node's whole /proc, which collect/node.ts parses and cuts to the task's PID namespace.
   */
  readProcesses(c: ContainerSummary, opts?: { signal?: AbortSignal }): Promise<Buffer>;
  /** send a signal (name without SIG, e.g. TERM) to the container's PID 1 */
  signal(id: string, signal: string): Promise<void>;
}
