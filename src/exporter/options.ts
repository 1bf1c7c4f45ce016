import { isIP } from 'node:net';
import { ENGINE_FLAGS, positiveNumber, toEngineOptions, UsageError, type EngineOptions, type FlagSpec } from '../cli/audit-options.js';

/**
 * `zombie-audit exporter`'s flags, declared once (as src/cli/audit-options.ts does for the
 * audit): commands/exporter.ts turns them into oclif flags.
 */
export const DEFAULT_LISTEN = '127.0.0.1:9719';

export const EXPORTER_FLAGS = {
  listen: { type: 'string', default: DEFAULT_LISTEN,
    description: 'ADDR:PORT to serve /metrics on; loopback unless you ask for another address (0.0.0.0:9719, [::]:9719)' },
  interval: { type: 'string', default: '15s',
    description: 'time between samples of every container: 500ms, 2s, 1m (a bare number is seconds)' },
  'top-parents': { type: 'string', default: '5',
    description: 'zombie_audit_zombies_by_parent keeps the N parents with most zombies per container, the rest as "other"' },
  host: ENGINE_FLAGS.host,
  timeout: ENGINE_FLAGS.timeout,
} as const satisfies Record<string, FlagSpec>;

export interface ListenAddress {
  host: string;
  port: number;
}

export interface ExporterOptions extends EngineOptions {
  listen: ListenAddress;
  intervalMs: number;
  topParents: number;
}

/** "500ms", "2s", "1.5m", "1h", or a bare number of seconds → milliseconds. */
export function parseInterval(s: string, flag = 'interval'): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new UsageError(`--${flag} takes a duration like 500ms, 2s, 1m (a bare number is seconds), not ${JSON.stringify(s)}`);
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (ms < 100) throw new UsageError(`--${flag} must be at least 100ms, not ${JSON.stringify(s)}`);
  if (ms > 86_400_000) throw new UsageError(`--${flag} must be at most 24h, not ${JSON.stringify(s)}`);
  return Math.round(ms);
}

/** "127.0.0.1:9719", "[::1]:9719", "localhost:9719", ":9719" (every address) → host and port. */
export function parseListen(s: string): ListenAddress {
  const v = s.trim();
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(v);
  const bad = (): never => {
    throw new UsageError(`--listen takes ADDR:PORT (127.0.0.1:9719, [::1]:9719, 0.0.0.0:9719), not ${JSON.stringify(s)}`);
  };
  if (!m) return bad();
  const port = Number(m[3]);
  if (port > 65535) return bad();
  if (m[1] !== undefined) {
    if (isIP(m[1]) !== 6) return bad();
    return { host: m[1], port };
  }
  const host = m[2] === '' ? '0.0.0.0' : m[2];
  if (isIP(host) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host)) return bad();
  return { host, port };
}

export function toExporterOptions(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ExporterOptions {
  const str = (k: keyof typeof EXPORTER_FLAGS): string => String(flags[k] ?? (EXPORTER_FLAGS[k] as FlagSpec).default ?? '');
  const top = positiveNumber('top-parents', str('top-parents'));
  if (!Number.isInteger(top) || top > 100) throw new UsageError(`--top-parents takes a whole number from 1 to 100, not ${JSON.stringify(str('top-parents'))}`);
  return {
    ...toEngineOptions({ ...flags, 'fail-on': 'none' }, env),
    listen: parseListen(str('listen')),
    intervalMs: parseInterval(str('interval')),
    topParents: top,
  };
}

/** The address as a URL host part ([::1] for IPv6). */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
