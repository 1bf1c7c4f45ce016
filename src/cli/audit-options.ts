/**
 * The audit's flags, declared once: commands/audit.ts turns them into oclif flags, and the
 * fast path in bin/run.js parses them with node:util parseArgs (so `zombie-audit api-1` does
 * not pay for loading oclif).
 */
export interface FlagSpec {
  type: 'boolean' | 'string';
  description: string;
  multiple?: boolean;
  options?: readonly string[];
  default?: string | boolean;
  char?: string;
}

export const AUDIT_FLAGS = {
  all: { type: 'boolean', char: 'a', description: 'audit every running container (one summary)' },
  filter: { type: 'string', multiple: true, description: 'with --all: only containers matching a docker ps filter, e.g. label=team=payments, name=api, ancestor=nginx (repeatable)' },
  json: { type: 'boolean', description: 'print JSON (schema: docs/json-schema.md)' },
  'fail-on': { type: 'string', options: ['error', 'warning', 'info', 'none'], default: 'warning',
    description: 'exit 1 when a finding is at or above this severity' },
  method: { type: 'string', options: ['auto', 'exec', 'helper', 'host'], default: 'auto',
    description: 'how to read /proc: exec (a shell in the container), helper (a helper container in its PID namespace; no shell needed), host (one helper in the host PID namespace, for --all); auto picks' },
  host: { type: 'string', char: 'H', description: 'engine address (unix://, tcp://, ssh://); default: DOCKER_HOST, the docker context, /var/run/docker.sock' },
  timeout: { type: 'string', default: '20', description: 'seconds to wait for the engine on each request' },
  concurrency: { type: 'string', default: '8', description: 'containers audited at once with --all' },
  'no-tree': { type: 'boolean', description: 'leave the process tree out of the human report' },
} as const satisfies Record<string, FlagSpec>;

export interface AuditOptions {
  containers: string[];
  all: boolean;
  filters: Record<string, string[]>;
  json: boolean;
  failOn: 'error' | 'warning' | 'info' | 'none';
  method: 'auto' | 'exec' | 'helper' | 'host';
  host?: string;
  timeoutSeconds: number;
  concurrency: number;
  tree: boolean;
}

export class UsageError extends Error {}

function positiveNumber(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a positive number, not ${JSON.stringify(v)}`);
  return n;
}

function oneOf<T extends string>(name: string, v: string, options: readonly string[]): T {
  if (!options.includes(v)) throw new UsageError(`--${name} takes one of ${options.join(', ')}, not ${JSON.stringify(v)}`);
  return v as T;
}

/** Turn parsed flag values (from oclif or parseArgs) into checked options. */
export function toAuditOptions(flags: Record<string, unknown>, containers: string[], env: NodeJS.ProcessEnv = process.env): AuditOptions {
  const str = (k: keyof typeof AUDIT_FLAGS): string => String(flags[k] ?? (AUDIT_FLAGS[k] as FlagSpec).default ?? '');
  const all = !!flags.all;
  if (!all && containers.length === 0) throw new UsageError('name a container (or several), or pass --all');
  if (all && containers.length > 0) throw new UsageError('pass either container names or --all, not both');
  const filterFlags = (flags.filter as string[] | string | undefined) ?? [];
  const filters: Record<string, string[]> = {};
  for (const f of Array.isArray(filterFlags) ? filterFlags : [filterFlags]) {
    const i = f.indexOf('=');
    if (i < 1) throw new UsageError(`--filter takes key=value (label=..., name=..., ancestor=...), not ${JSON.stringify(f)}`);
    (filters[f.slice(0, i)] ??= []).push(f.slice(i + 1));
  }
  if (!all && filterFlags.length > 0) throw new UsageError('--filter goes with --all');
  const timeoutFlag = flags.timeout as string | undefined;
  const timeout = timeoutFlag ?? (env.DOCKER_CLIENT_TIMEOUT || str('timeout'));
  return {
    containers, all, filters,
    json: !!flags.json,
    failOn: oneOf('fail-on', str('fail-on'), AUDIT_FLAGS['fail-on'].options),
    method: oneOf('method', str('method'), AUDIT_FLAGS.method.options),
    host: (flags.host as string | undefined) || undefined,
    timeoutSeconds: positiveNumber('timeout', timeout),
    concurrency: Math.floor(positiveNumber('concurrency', str('concurrency'))),
    tree: !flags['no-tree'],
  };
}
