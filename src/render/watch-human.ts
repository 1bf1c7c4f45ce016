import { duration, sparkline, type Analysis } from '../watch/series.js';
import { escapeStrings } from './escape.js';
import type { Style } from './style.js';

/** One sample of `watch`, as printed (NDJSON) and drawn (the live view). */
export interface WatchRecord {
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

/** The live view of one container. */
export function renderWatchHuman(raw: WatchRecord, history: number[], s: Style, o: { intervalMs: number; windowMs: number }): string {
  const r = escapeStrings(raw);
  const L: string[] = [];
  L.push(`${s.bold('zombie-audit watch')} ${r.container}  ${s.dim(`every ${o.intervalMs / 1000} s, sample ${r.sample}, ${r.t}`)}`);
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
      L.push(`  pid ${String(p.ppid).padEnd(7)} ${p.name.padEnd(16)} ${String(p.zombies).padStart(6)} zombies  ${p.perMinute > 0.05 ? s.red(`+${p.perMinute.toFixed(1)}/min`) : 'flat'}  ${s.dim(p.ppid === 1 ? 'PID 1 does not reap' : 'a live parent that never waits')}`);
    }
  }
  for (const e of r.events) L.push(s.yellow(`! ${e}`));
  if (r.breach) L.push(s.red(`limit passed: ${r.breach}`));
  L.push(s.dim('Ctrl-C to stop'));
  return L.join('\n') + '\n';
}


export interface WatchAllRow {
  container: string;
  zombies: number;
  perMinute: number;
  pids: { current?: number; max?: number };
  secondsToLimit?: number;
  topParent?: { ppid: number; name: string; zombies: number; perMinute: number };
}

/** The live view of `watch --all`: one row per container, the fastest-growing first. */
export function renderWatchAllHuman(raw: { sample: number; containers: WatchAllRow[]; breach?: string }, s: Style, intervalMs: number): string {
  const record = escapeStrings(raw);
  const L = [`${s.bold('zombie-audit watch --all')}  ${s.dim(`${record.containers.length} containers, every ${intervalMs / 1000} s, sample ${record.sample}`)}`, ''];
  L.push(`${'container'.padEnd(28)} ${'zombies'.padStart(8)} ${'rate/min'.padStart(9)}  ${'limit in'.padEnd(16)} top parent`);
  for (const r of record.containers.slice(0, 30)) {
    L.push(`${r.container.slice(0, 28).padEnd(28)} ${String(r.zombies).padStart(8)} ${(r.perMinute > 0.05 ? s.red(`+${r.perMinute}`) : 'flat').padStart(9)}  ${(r.secondsToLimit !== undefined ? duration(r.secondsToLimit * 1000) : '-').padEnd(16)} ${r.topParent ? `pid ${r.topParent.ppid} ${r.topParent.name}` : ''}`);
  }
  if (record.breach) L.push(s.red(`limit passed: ${record.breach}`));
  L.push(s.dim('Ctrl-C to stop'));
  return L.join('\n') + '\n';
}
