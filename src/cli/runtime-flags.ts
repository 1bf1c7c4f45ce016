import { existsSync } from 'node:fs';
import type { FlagSpec } from './options.js';

/**
 * `--runtime`, `--address`, `--namespace`: which container runtime to talk to. Declared here
 * (not in audit-options.ts) so that the containerd runtime's flags stay in one place; the
 * audit's flags spread them in. Loading this costs nothing: no runtime code is imported.
 */
export const RUNTIME_FLAGS = {
  runtime: { type: 'string', options: ['docker', 'containerd', 'auto'], default: 'docker',
    description: 'container runtime: docker, containerd (a Kubernetes node; run as root on the node), or auto (the one that answers: docker, else containerd)' },
  address: { type: 'string', description: 'with --runtime containerd: its socket; default CONTAINERD_ADDRESS, /run/containerd/containerd.sock' },
  namespace: { type: 'string', description: 'with --runtime containerd: the containerd namespace; default CONTAINERD_NAMESPACE, k8s.io (the kubelet\'s)' },
} as const satisfies Record<string, FlagSpec>;

export interface RuntimeOptions {
  runtime: 'docker' | 'containerd' | 'auto';
  address?: string;
  namespace?: string;
}

/** `usage` makes the caller's usage error (audit-options' UsageError: no import cycle). */
export function toRuntimeOptions(flags: Record<string, unknown>, usage: (message: string) => Error): RuntimeOptions {
  const runtime = String(flags.runtime ?? RUNTIME_FLAGS.runtime.default);
  if (!(RUNTIME_FLAGS.runtime.options as readonly string[]).includes(runtime)) {
    throw usage(`--runtime takes one of ${RUNTIME_FLAGS.runtime.options.join(', ')}, not ${JSON.stringify(runtime)}`);
  }
  const address = (flags.address as string | undefined) || undefined;
  const namespace = (flags.namespace as string | undefined) || undefined;
  if ((address || namespace) && runtime === 'docker') {
    throw usage('--address and --namespace go with --runtime containerd (the Docker engine is --host)');
  }
  return { runtime: runtime as RuntimeOptions['runtime'], address, namespace };
}

/**
 * `auto`: docker when DOCKER_HOST is set or its socket exists, else containerd when its socket
 * exists, else docker (whose error then says what is missing).
 */
export function pickRuntime(o: RuntimeOptions, env: NodeJS.ProcessEnv, exists: (p: string) => boolean = existsSync): 'docker' | 'containerd' {
  if (o.runtime !== 'auto') return o.runtime;
  if (env.DOCKER_HOST || exists('/var/run/docker.sock')) return 'docker';
  const cd = (o.address ?? env.CONTAINERD_ADDRESS ?? '/run/containerd/containerd.sock').replace(/^unix:(\/\/)?/, '');
  return exists(cd) ? 'containerd' : 'docker';
}
