import type { Snapshot } from '../proc/snapshot.js';

/** One sample of a watched container. */
export interface Sample {
  /** ms since the epoch */
  t: number;
  zombies: number;
  /** zombies by parent pid */
  byParent: Map<number, { name: string; count: number }>;
  processes: number;
  pidsCurrent?: number;
  pidsMax?: number;
  pidMax?: number;
  pid1State: string;
}

export function sampleOf(snap: Snapshot, t: number, pidsLimit?: number): Sample {
  const byParent = new Map<number, { name: string; count: number }>();
  let zombies = 0;
  for (const p of snap.procs.values()) {
    if (p.state !== 'Z') continue;
    zombies++;
    const e = byParent.get(p.ppid) ?? { name: snap.procs.get(p.ppid)?.comm ?? (p.ppid === 0 ? '(outside)' : '(gone)'), count: 0 };
    e.count++;
    byParent.set(p.ppid, e);
  }
  const current = snap.pids ? Math.max(snap.procs.size, snap.pids.current - (snap.selfPid !== undefined ? 1 : 0)) : snap.procs.size;
  return {
    t, zombies, byParent, processes: snap.procs.size, pidsCurrent: current,
    pidsMax: snap.pids?.max ?? (pidsLimit && pidsLimit > 0 ? pidsLimit : undefined), pidMax: snap.pidMax,
    pid1State: snap.procs.get(1)?.state ?? '?',
  };
}

/** Least-squares slope of (t, y), per minute; 0 with fewer than two points. */
export function slopePerMinute(points: ReadonlyArray<[number, number]>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, y] of points) { num += (t - mt) * (y - my); den += (t - mt) ** 2; }
  return den === 0 ? 0 : (num / den) * 60_000;
}

export interface ParentRate { ppid: number; name: string; zombies: number; perMinute: number }

export interface Analysis {
  zombies: number;
  /** zombies per minute over the window */
  perMinute: number;
  parents: ParentRate[];
  /** the limit the projection uses and where it comes from */
  limit?: { value: number; source: 'pids.max' | 'kernel.pid_max' };
  /** ms until the limit is reached at the current rate (undefined: not growing, or no limit) */
  msToLimit?: number;
  events: string[];
}

/** Rate, ranking and projection over the samples in the last `windowMs`. */
export function analyzeSeries(samples: readonly Sample[], windowMs = 60_000): Analysis {
  const last = samples.at(-1);
  if (!last) return { zombies: 0, perMinute: 0, parents: [], events: [] };
  const win = samples.filter((s) => s.t >= last.t - windowMs);
  const perMinute = slopePerMinute(win.map((s) => [s.t, s.zombies]));
  const ppids = new Set(win.flatMap((s) => [...s.byParent.keys()]));
  const parents: ParentRate[] = [...ppids].map((ppid) => ({
    ppid, name: last.byParent.get(ppid)?.name ?? win.find((s) => s.byParent.has(ppid))!.byParent.get(ppid)!.name,
    zombies: last.byParent.get(ppid)?.count ?? 0,
    perMinute: slopePerMinute(win.map((s) => [s.t, s.byParent.get(ppid)?.count ?? 0])),
  })).sort((a, b) => b.perMinute - a.perMinute || b.zombies - a.zombies);
  const limit = last.pidsMax !== undefined ? { value: last.pidsMax, source: 'pids.max' as const }
    : last.pidMax !== undefined ? { value: last.pidMax, source: 'kernel.pid_max' as const } : undefined;
  // a PID is used per zombie: the PID count grows at the zombie rate
  const used = last.pidsCurrent ?? last.processes;
  // at the limit already: fork fails now, whatever the rate
  const msToLimit = limit && used >= limit.value ? 0 : limit && perMinute > 0.01 ? Math.max(0, ((limit.value - used) / perMinute) * 60_000) : undefined;
  return { zombies: last.zombies, perMinute, parents, limit, msToLimit, events: [] };
}

/** Parents that held zombies in `prev` and are gone in `cur`: their zombies went to PID 1. */
export function parentExits(prev: Sample, cur: Sample, live: (pid: number) => boolean): string[] {
  const out: string[] = [];
  for (const [ppid, e] of prev.byParent) {
    if (ppid <= 1 || live(ppid)) continue;
    const now = cur.byParent.get(1)?.count ?? 0;
    out.push(`pid ${ppid} (${e.name}) exited: its ${e.count} zombie${e.count === 1 ? '' : 's'} went to PID 1, which ${now >= e.count ? 'has not reaped them' : 'reaped them'}`);
  }
  return out;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} days ${h % 24} h`;
}

const BARS = '▁▂▃▄▅▆▇█';
export function sparkline(values: readonly number[], width = 40): string {
  const v = values.slice(-width);
  if (v.length === 0) return '';
  const min = Math.min(...v);
  const max = Math.max(...v);
  return v.map((x) => BARS[max === min ? 0 : Math.round(((x - min) / (max - min)) * (BARS.length - 1))]).join('');
}
