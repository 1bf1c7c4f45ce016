import { ENGINE_FLAGS, toEngineOptions, UsageError, type EngineOptions, type FlagSpec } from './audit-options.js';
import { parseCount, parseDuration, parseNumber } from './options.js';
import { RUNTIME_FLAGS, toRuntimeOptions, type RuntimeOptions } from './runtime-flags.js';

/** watch's flags (FlagSpec: src/cli/options.ts) and its options. */
export const WATCH_FLAGS = {
  all: { type: 'boolean', char: 'a', description: 'watch every running container (one helper in the host PID namespace reads them all each interval)' },
  filter: { type: 'string', multiple: true, description: 'with --all: only containers matching a docker ps filter (label=..., name=...), repeatable' },
  interval: { type: 'string', kind: 'duration', default: '2s', description: 'time between samples (each is one engine round trip)' },
  count: { type: 'string', kind: 'count', description: 'stop after this many samples' },
  duration: { type: 'string', kind: 'duration', description: 'stop after this long: 90s, 5m, 1h' },
  window: { type: 'string', kind: 'duration', default: '60s', description: 'span of samples the rate is computed over' },
  'max-zombies': { type: 'string', kind: 'count', description: 'exit 1 the first time the container holds more zombies than this (a health check)' },
  'max-rate': { type: 'string', kind: 'number', description: 'exit 1 the first time zombies grow faster than this many per minute' },
  follow: { type: 'boolean', description: 'when the container stops or is replaced, wait for one of the same name and go on' },
  collector: { type: 'string', options: ['stream', 'exec'], default: 'stream', description: "stream: one helper container in the container's PID namespace prints a snapshot every interval (no engine call per sample); exec: one docker exec per sample" },
  json: ENGINE_FLAGS.json,
  host: ENGINE_FLAGS.host,
  timeout: ENGINE_FLAGS.timeout,
  ...RUNTIME_FLAGS,
} as const satisfies Record<string, FlagSpec>;

export interface WatchOptions extends EngineOptions, RuntimeOptions {
  container: string;
  all: boolean;
  filters: Record<string, string[]>;
  intervalMs: number;
  count?: number;
  durationMs?: number;
  windowMs: number;
  maxZombies?: number;
  maxRate?: number;
  follow: boolean;
  collector: 'stream' | 'exec';
}

export function toWatchOptions(flags: Record<string, unknown>, args: string[], env: NodeJS.ProcessEnv = process.env): WatchOptions {
  const all = !!flags.all;
  if (all && args.length > 0) throw new UsageError('pass either a container or --all, not both');
  if (!all && args.length !== 1) throw new UsageError('name one container to watch, or pass --all');
  const filters: Record<string, string[]> = {};
  for (const f of (flags.filter as string[] | undefined) ?? []) {
    const i = f.indexOf('=');
    if (i < 1) throw new UsageError(`--filter takes key=value, not ${JSON.stringify(f)}`);
    (filters[f.slice(0, i)] ??= []).push(f.slice(i + 1));
  }
  if (!all && Object.keys(filters).length) throw new UsageError('--filter goes with --all');
  const dur = (k: 'interval' | 'window' | 'duration') => (flags[k] === undefined ? undefined : parseDuration(k, String(flags[k])));
  const count = (k: string, min = 0) => (flags[k] === undefined ? undefined : parseCount(k, String(flags[k]), min));
  return {
    ...toEngineOptions({ ...flags, 'fail-on': 'warning' }, env), container: args[0] ?? '', all, filters,
    intervalMs: dur('interval') ?? 2000, count: count('count', 1), durationMs: dur('duration'),
    windowMs: dur('window') ?? 60_000, maxZombies: count('max-zombies'),
    maxRate: flags['max-rate'] === undefined ? undefined : parseNumber('max-rate', String(flags['max-rate'])), follow: !!flags.follow, collector: String(flags.collector ?? 'stream') === 'exec' ? 'exec' : 'stream',
    ...toRuntimeOptions(flags, (m) => new UsageError(m)),
  };
}

