import { collect, inspect as inspectContainer } from '../collect/collect.js';
import { openSnapshotStream, type SnapshotStream } from '../collect/stream.js';
import { onCleanup, runCleanup } from '../cleanup.js';
import type { Engine } from '../engine/client.js';
import { EXIT, ZaError } from '../engine/errors.js';
import { makeStyle, wantColor, type Style } from '../render/style.js';
import { sampleOf, type Sample } from '../watch/series.js';
import { renderWatchHuman } from '../render/watch-human.js';
import { reportError } from './errors.js';
import { engineFor } from './shared.js';
import { parseDuration as parseDurationOf } from './options.js';
import type { WatchOptions } from './watch-options.js';
import type { IO } from './io.js';
import { nextRecord } from './watch-record.js';
import { escapeText as esc } from '../render/escape.js';
import { toJSONLine } from '../render/json.js';

export { toWatchOptions, WATCH_FLAGS, type WatchOptions } from './watch-options.js';

/** `--duration`'s syntax (one for every duration flag: src/cli/options.ts), in ms. */
export const parseDuration = (s: string): number => parseDurationOf('duration', s);

export async function runWatch(o: WatchOptions, io: IO): Promise<number> {
  if (o.runtime !== 'docker' && (await import('./runtime-flags.js')).pickRuntime(o, io.env) === 'containerd') return (await import('./containerd-watch.js')).runContainerdWatch(o, io);
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
    n++;
    const r = nextRecord(samples, sample, snap, o, name, n, tick, events);
    if (live) io.stdout.write('\x1b[H\x1b[2J' + renderWatchHuman(r, samples.map((x) => x.zombies), s, o));
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
