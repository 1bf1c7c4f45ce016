import { RUNTIME_FLAGS, toRuntimeOptions, type RuntimeOptions } from './runtime-flags.js';
import { UsageError } from './errors.js';
import { oneOf, parseCount, parseDuration, type FlagSpec } from './options.js';

/**
 * The audit's flags and the engine flags every command shares, declared once (FlagSpec:
 * src/cli/options.ts): both routes parse them with parseArgv, and oclif shows them in --help.
 */
export type { FlagSpec } from './options.js';
export { oneOf, UsageError };

/** Flags every command that talks to the engine has. */
export const ENGINE_FLAGS = {
  json: { type: 'boolean', description: 'print JSON (schema: docs/json-schema.md)' },
  'fail-on': { type: 'string', options: ['error', 'warning', 'info', 'none'], default: 'warning',
    description: 'exit 1 when a finding is at or above this severity' },
  host: { type: 'string', char: 'H', description: 'engine address (unix://, tcp://, ssh://); default: DOCKER_HOST, the docker context, /var/run/docker.sock' },
  timeout: { type: 'string', kind: 'duration', default: '20s', env: 'DOCKER_CLIENT_TIMEOUT',
    description: 'how long to wait for the engine on each request (500ms, 20s, 1m); default: DOCKER_CLIENT_TIMEOUT, else 20s' },
} as const satisfies Record<string, FlagSpec>;

export const AUDIT_FLAGS = {
  all: { type: 'boolean', char: 'a', description: 'audit every running container (one summary)' },
  filter: { type: 'string', multiple: true, description: 'with --all: only containers matching a docker ps filter, e.g. label=team=payments, name=api, ancestor=nginx (repeatable)' },
  ...ENGINE_FLAGS,
  method: { type: 'string', options: ['auto', 'exec', 'helper', 'host'], default: 'auto',
    description: 'how to read /proc: exec (a shell in the container), helper (a helper container in its PID namespace; no shell needed), host (one helper in the host PID namespace, for --all); auto picks' },
  concurrency: { type: 'string', kind: 'count', default: '8', description: 'containers audited at once with --all' },
  'no-tree': { type: 'boolean', description: 'leave the process tree out of the human report' },
  ...RUNTIME_FLAGS,
} as const satisfies Record<string, FlagSpec>;

export interface AuditOptions extends EngineOptions, RuntimeOptions {
  containers: string[];
  all: boolean;
  filters: Record<string, string[]>;
  method: 'auto' | 'exec' | 'helper' | 'host';
  concurrency: number;
  tree: boolean;
}

export function positiveNumber(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a positive number, not ${JSON.stringify(v)}`);
  return n;
}

export interface EngineOptions {
  json: boolean;
  failOn: 'error' | 'warning' | 'info' | 'none';
  host?: string;
  timeoutSeconds: number;
}

export function toEngineOptions(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): EngineOptions {
  const fromEnv = flags.timeout === undefined && !!env.DOCKER_CLIENT_TIMEOUT;
  const timeout = (flags.timeout as string | undefined) ?? (env.DOCKER_CLIENT_TIMEOUT || ENGINE_FLAGS.timeout.default);
  return {
    json: !!flags.json,
    failOn: oneOf('fail-on', String(flags['fail-on'] ?? ENGINE_FLAGS['fail-on'].default), ENGINE_FLAGS['fail-on'].options),
    host: (flags.host as string | undefined) || undefined,
    timeoutSeconds: parseDuration(fromEnv ? 'DOCKER_CLIENT_TIMEOUT' : 'timeout', timeout) / 1000,
  };
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
  return {
    ...toEngineOptions(flags, env),
    containers, all, filters,
    method: oneOf('method', str('method'), AUDIT_FLAGS.method.options),
    concurrency: parseCount('concurrency', str('concurrency'), 1),
    tree: !flags['no-tree'],
    ...toRuntimeOptions(flags, (m) => new UsageError(m)),
  };
}
