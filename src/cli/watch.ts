import { collect, inspect as inspectContainer } from '../collect/collect.js';
import { openSnapshotStream, type SnapshotStream } from '../collect/stream.js';
import { onCleanup, runCleanup } from '../cleanup.js';
import type { Engine } from '../engine/client.js';
import { EXIT, ZaError } from '../engine/errors.js';
import { makeStyle, wantColor, type Style } from '../render/style.js';
import { analyzeSeries, duration, parentExits, sampleOf, sparkline, type Analysis, type Sample } from '../watch/series.js';
import { ENGINE_FLAGS, positiveNumber, toEngineOptions, UsageError, type EngineOptions, type FlagSpec } from './audit-options.js';
import { engineFor, reportError } from './audit.js';
import type { IO } from './io.js';
import { escapeText as esc } from '../render/escape.js';
import { toJSONLine } from '../render/json.js';

export const WATCH_FLAGS = {
  all: { type: 'boolean', char: 'a', description: 'watch every running container (one helper in the host PID namespace reads them all each interval)' },
  filter: { type: 'string', multiple: true, description: 'with --all: only containers matching a docker ps filter (label=..., name=...), repeatable' },
  interval: { type: 'string', default: '2', description: 'seconds between samples (each is one engine round trip)' },
  count: { type: 'string', description: 'stop after this many samples' },
  duration: { type: 'string', description: 'stop after this long: 90, 90s, 5m, 1h' },
  window: { type: 'string', default: '60', description: 'seconds of samples the rate is computed over' },
  'max-zombies': { type: 'string', description: 'exit 1 the first time the container holds more zombies than this (a health check)' },
  'max-rate': { type: 'string', description: 'exit 1 the first time zombies grow faster than this many per minute' },
  follow: { type: 'boolean', description: 'when the container stops or is replaced, wait for one of the same name and go on' },
  collector: { type: 'string', options: ['stream', 'exec'], default: 'stream', description: "stream: one helper container in the container's PID namespace prints a snapshot every interval (no engine call per sample); exec: one docker exec per sample" },
  json: ENGINE_FLAGS.json,
  host: ENGINE_FLAGS.host,
  timeout: ENGINE_FLAGS.timeout,
} as const satisfies Record<string, FlagSpec>;

export interface WatchOptions extends EngineOptions {
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

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new UsageError(`--duration takes 90, 90s, 5m or 1h, not ${JSON.stringify(s)}`);
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
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
  const num = (k: string) => (flags[k] === undefined ? undefined : positiveNumber(k, String(flags[k])));
  return {
    ...toEngineOptions({ ...flags, 'fail-on': 'warning' }, env), container: args[0] ?? '', all, filters,
    intervalMs: (num('interval') ?? 2) * 1000, count: num('count'),
    durationMs: flags.duration === undefined ? undefined : parseDuration(String(flags.duration)),
    windowMs: (num('window') ?? 60) * 1000, maxZombies: flags['max-zombies'] === undefined ? undefined : Number(flags['max-zombies']),
    maxRate: num('max-rate'), follow: !!flags.follow, collector: String(flags.collector ?? 'stream') === 'exec' ? 'exec' : 'stream',
  };
}

interface Record1 {
  t: string;
  container: string;
  sample: number;
  zombies: number;
  perMinute: number;
  processes: number;
  pids: { current?: number; max?: number };
  limit?: Analysis['limit'];
  secondsToLimit?: number;
  pid1State: string;
  parents: Array<{ ppid: number; name: string; zombies: number; perMinute: number }>;
  events: string[];
  /** set on the sample that broke --max-zombies or --max-rate */
  breach?: string;
}

function view(r: Record1, history: number[], s: Style, o: WatchOptions): string {
  const L: string[] = [];
  L.push(`${s.bold('zombie-audit watch')} ${esc(r.container)}  ${s.dim(`every ${o.intervalMs / 1000} s, sample ${r.sample}, ${r.t}`)}`);
  L.push('');
  L.push(`${s.bold('Zombies')}  ${r.zombies > 0 ? s.red(String(r.zombies)) : '0'}   ${s.cyan(sparkline(history, 50))}`);
  const rate = r.perMinute;
  L.push(`${s.bold('Rate')}     ${Math.abs(rate) < 0.05 ? s.green('flat') : rate > 0 ? s.red(`+${rate.toFixed(1)}/min`) : s.green(`${rate.toFixed(1)}/min`)}  ${s.dim(`over the last ${o.windowMs / 1000} s`)}`);
  L.push(`${s.bold('PID 1')}    state ${r.pid1State}   ${s.bold('PIDs')} ${r.pids.current ?? '?'}${r.pids.max ? ` of ${r.pids.max}` : ''}`);
  if (r.limit && r.secondsToLimit === 0) {
    L.push(`${s.bold('Projection')} ${s.red(`${r.limit.source} ${r.limit.value} reached: the container cannot fork`)}`);
  } else if (r.limit && r.secondsToLimit !== undefined) {
    L.push(`${s.bold('Projection')} ${s.yellow(`${r.limit.source} ${r.limit.value} reached in about ${duration(r.secondsToLimit * 1000)} at the current rate`)}`);
  } else if (r.limit) {
    L.push(`${s.bold('Projection')} ${s.dim(`${r.limit.source} ${r.limit.value}: not growing`)}`);
  }
  if (r.parents.length) {
    L.push('');
    L.push(s.bold('Leaking parents'));
    for (const p of r.parents.slice(0, 8)) {
      L.push(`  pid ${String(p.ppid).padEnd(7)} ${esc(p.name).padEnd(16)} ${String(p.zombies).padStart(6)} zombies  ${p.perMinute > 0.05 ? s.red(`+${p.perMinute.toFixed(1)}/min`) : 'flat'}  ${s.dim(p.ppid === 1 ? 'PID 1 does not reap' : 'a live parent that never waits')}`);
    }
  }
  for (const e of r.events) L.push(s.yellow(`! ${esc(e)}`));
  if (r.breach) L.push(s.red(`limit passed: ${esc(r.breach)}`));
  L.push(s.dim('Ctrl-C to stop'));
  return L.join('\n') + '\n';
}

export async function runWatch(o: WatchOptions, io: IO): Promise<number> {
  const engine = engineFor(o, io.env);
  const live = !o.json && !!io.stdout.isTTY;
  const s = await makeStyle(wantColor(io.stdout, io.env));
  if (live) {
    io.stdout.write('\x1b[?25l');
    onCleanup(() => io.stdout.write('\x1b[?25h\n'));
  }
  try {
    if (o.all) return await (await import('./watch-all.js')).watchAll(engine, o, io, live, s);
    return await loop(engine, o, io, live, s);
  } catch (err) {
    if (o.json || !live) {
      // NDJSON: the error is one line like every record before it
      const e = err instanceof ZaError ? err : new ZaError('ENGINE_API', err instanceof Error ? err.message : String(err));
      io.stdout.write(toJSONLine({ t: new Date().toISOString(), error: e.toJSON(), end: true }));
      io.stderr.write(`zombie-audit: ${esc(e.message)}\n${e.hint ? `  hint: ${esc(e.hint)}\n` : ''}`);
      return EXIT.ERROR;
    }
    return reportError(err, io, false);
  } finally {
    await runCleanup();
    engine.close();
  }
}

async function loop(engine: Engine, o: WatchOptions, io: IO, live: boolean, s: Style): Promise<number> {
  let j = await inspectContainer(engine, o.container);
  const name = j.Name.replace(/^\//, '');
  const samples: Sample[] = [];
  const started = Date.now();
  let n = 0;
  let stream: SnapshotStream | undefined;
  const openStream = async (): Promise<void> => {
    if (o.collector !== 'stream') return;
    try {
      stream = await openSnapshotStream(engine, j.Id, o.intervalMs);
    } catch (e) {
      stream = undefined;
      emitEvent(io, o, live, `no streaming helper (${(e as Error).message}): one docker exec per sample`);
    }
  };
  await openStream();
  for (;;) {
    let tick = Date.now();
    const events: string[] = [];
    let snap;
    try {
      if (stream) {
        snap = await withTimeout(stream.next(), o.intervalMs * 3 + 15_000);
        tick = Date.now();
      } else snap = (await collect(engine, j.Id)).snapshot;
    } catch (e) {
      await stream?.close();
      stream = undefined;
      // the container may have died in the middle of the sample (a cut-short exec, a failed
      // helper): whatever the error, ask the engine whether it is still running
      const now = await engine.json<typeof j>('GET', `/containers/${j.Id}/json`).catch(() => undefined);
      const gone = !now || !now.State.Running || now.State.Paused || now.State.StartedAt !== j.State.StartedAt;
      if (!gone && !(e instanceof ZaError && ['NOT_RUNNING', 'NOT_FOUND', 'EXITED_DURING_AUDIT', 'PAUSED'].includes(e.code))) throw e;
      const why = !now ? 'went away' : now.State.Paused ? 'is paused' : now.State.Running ? 'restarted' : `stopped (${now.State.Status}, exit code ${now.State.ExitCode})`;
      const msg = `${name} ${why}`;
      if (!o.follow) {
        emitEnd(io, o, msg);
        return EXIT.ERROR;
      }
      emitEvent(io, o, live, `${msg}; waiting for a container named ${name} (--follow)`);
      j = await waitFor(engine, name, j.Id, j.State.StartedAt, o.intervalMs);
      samples.length = 0;
      emitEvent(io, o, live, `following ${name} again (${j.Id.slice(0, 12)}, started ${j.State.StartedAt})`);
      await openStream();
      continue;
    }
    const sample = sampleOf(snap, tick, j.HostConfig.PidsLimit ?? undefined);
    const prev = samples.at(-1);
    if (prev) events.push(...parentExits(prev, sample, (pid) => snap.procs.has(pid) && snap.procs.get(pid)!.state !== 'Z'));
    samples.push(sample);
    while (samples.length > 2 && samples[0].t < tick - Math.max(o.windowMs, 10 * o.intervalMs)) samples.shift();
    const a = analyzeSeries(samples, o.windowMs);
    n++;
    const r: Record1 = {
      t: new Date(tick).toISOString(), container: name, sample: n, zombies: a.zombies, perMinute: round(a.perMinute),
      processes: sample.processes, pids: { current: sample.pidsCurrent, max: sample.pidsMax }, limit: a.limit,
      secondsToLimit: a.msToLimit === undefined ? undefined : Math.round(a.msToLimit / 1000), pid1State: sample.pid1State,
      parents: a.parents.map((p) => ({ ...p, perMinute: round(p.perMinute) })), events,
    };
    if (o.maxZombies !== undefined && a.zombies > o.maxZombies) r.breach = `${a.zombies} zombies > --max-zombies ${o.maxZombies}`;
    else if (o.maxRate !== undefined && samples.length >= 3 && a.perMinute > o.maxRate) r.breach = `${a.perMinute.toFixed(1)} zombies/min > --max-rate ${o.maxRate}`;
    if (live) io.stdout.write('\x1b[H\x1b[2J' + view(r, samples.map((x) => x.zombies), s, o));
    else io.stdout.write(toJSONLine(r));
    if (r.breach) {
      if (live) io.stderr.write(`zombie-audit: ${esc(r.breach)}\n`);
      await stream?.close();
      return EXIT.FINDINGS;
    }
    if ((o.count !== undefined && n >= o.count) || (o.durationMs !== undefined && Date.now() - started + o.intervalMs > o.durationMs)) {
      await stream?.close();
      return EXIT.OK;
    }
    // the stream paces itself; exec samples wait for the next tick
    if (!stream) await new Promise((res) => setTimeout(res, Math.max(0, o.intervalMs - (Date.now() - tick))));
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new ZaError('ENGINE_TIMEOUT', `no snapshot from the watch helper for ${ms / 1000} s`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

function emitEvent(io: IO, o: WatchOptions, live: boolean, msg: string): void {
  if (o.json || !live) io.stdout.write(toJSONLine({ t: new Date().toISOString(), event: msg }));
  else io.stderr.write(`${esc(msg)}\n`);
}

function emitEnd(io: IO, o: WatchOptions, msg: string): void {
  if (o.json || !io.stdout.isTTY) io.stdout.write(toJSONLine({ t: new Date().toISOString(), event: msg, end: true }));
  io.stderr.write(`zombie-audit: ${esc(msg)}; the watch ends\n`);
}

/** Wait for a running container named `name` that is not the one we had (or was restarted). */
async function waitFor(engine: Engine, name: string, oldId: string, oldStart: string | undefined, intervalMs: number) {
  for (;;) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const j = await inspectContainer(engine, name).catch(() => undefined);
    if (j && j.State.Running && (j.Id !== oldId || j.State.StartedAt !== oldStart)) return j;
  }
}
