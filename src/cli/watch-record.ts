import type { Snapshot } from '../proc/snapshot.js';
import type { WatchRecord } from '../render/watch-human.js';
import { analyzeSeries, parentExits, type Sample } from '../watch/series.js';

const round = (x: number) => Math.round(x * 10) / 10;

/**
 * One watch sample into the series and the record it prints (the same for Docker and
 * containerd): parent-exit events, the rate over the window, the projection, and a breach of
 * --max-zombies / --max-rate. `samples` is the series so far; it is updated in place.
 */
export function nextRecord(samples: Sample[], sample: Sample, snap: Snapshot, o: { windowMs: number; intervalMs: number; maxZombies?: number; maxRate?: number },
  container: string, n: number, tick: number, events: string[] = []): WatchRecord {
  const prev = samples.at(-1);
  if (prev) events.push(...parentExits(prev, sample, (pid) => snap.procs.has(pid) && snap.procs.get(pid)!.state !== 'Z'));
  samples.push(sample);
  while (samples.length > 2 && samples[0].t < tick - Math.max(o.windowMs, 10 * o.intervalMs)) samples.shift();
  const a = analyzeSeries(samples, o.windowMs);
  const r: WatchRecord = {
    t: new Date(tick).toISOString(), container, sample: n, zombies: a.zombies, perMinute: round(a.perMinute),
    processes: sample.processes, pids: { current: sample.pidsCurrent, max: sample.pidsMax }, limit: a.limit,
    secondsToLimit: a.msToLimit === undefined ? undefined : Math.round(a.msToLimit / 1000), pid1State: sample.pid1State,
    parents: a.parents.map((p) => ({ ...p, perMinute: round(p.perMinute) })), events,
  };
  if (o.maxZombies !== undefined && a.zombies > o.maxZombies) r.breach = `${a.zombies} zombies > --max-zombies ${o.maxZombies}`;
  else if (o.maxRate !== undefined && samples.length >= 3 && a.perMinute > o.maxRate) r.breach = `${a.perMinute.toFixed(1)} zombies/min > --max-rate ${o.maxRate}`;
  return r;
}
