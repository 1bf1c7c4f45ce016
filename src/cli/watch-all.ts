import type { InspectJSON } from '../collect/collect.js';
import { splitByContainer } from '../collect/host.js';
import { openSnapshotStream } from '../collect/stream.js';
import type { Engine } from '../engine/client.js';
import { EXIT } from '../engine/errors.js';
import type { Style } from '../render/style.js';
import { analyzeSeries, duration, sampleOf, type Sample } from '../watch/series.js';
import type { IO } from './io.js';
import type { WatchOptions } from './watch.js';
import { escapeText as esc } from '../render/escape.js';
import { toJSONLine } from '../render/json.js';

interface Tracked { name: string; hostPid: number; pidsLimit?: number; samples: Sample[] }

async function listContainers(engine: Engine, filters: Record<string, string[]>): Promise<Map<string, Tracked>> {
  const query = Object.keys(filters).length ? { filters: JSON.stringify(filters) } : undefined;
  const list = await engine.json<Array<{ Id: string }>>('GET', '/containers/json', { query });
  const out = new Map<string, Tracked>();
  await Promise.all(list.map(async (c) => {
    const j = await engine.json<InspectJSON>('GET', `/containers/${c.Id}/json`).catch(() => undefined);
    if (!j || !j.State.Running || !j.State.Pid || j.HostConfig.PidMode === 'host') return;
    out.set(j.Id, { name: j.Name.replace(/^\//, ''), hostPid: j.State.Pid, pidsLimit: j.HostConfig.PidsLimit ?? undefined, samples: [] });
  }));
  return out;
}

/**
 * `watch --all`: one helper in the host's PID namespace prints the whole host every interval;
 * each snapshot is split per container (by the pid namespace of its init), and each container
 * gets its own series, rate and projection. The container list is refreshed every 10 samples.
 */
export async function watchAll(engine: Engine, o: WatchOptions & { filters: Record<string, string[]> }, io: IO, live: boolean, s: Style): Promise<number> {
  let tracked = await listContainers(engine, o.filters);
  const stream = await openSnapshotStream(engine, '', o.intervalMs, { host: true });
  const started = Date.now();
  let n = 0;
  try {
    for (;;) {
      const snap = await stream.next();
      const t = Date.now();
      n++;
      if (n % 10 === 0) {
        const fresh = await listContainers(engine, o.filters);
        for (const [id, c] of fresh) if (tracked.has(id)) c.samples = tracked.get(id)!.samples;
        tracked = fresh;
      }
      const rows = [];
      let breach: string | undefined;
      for (const c of tracked.values()) {
        const sub = splitByContainer(snap, c.hostPid);
        if (!sub) continue;
        c.samples.push(sampleOf(sub, t, c.pidsLimit));
        while (c.samples.length > 2 && c.samples[0].t < t - o.windowMs) c.samples.shift();
        const a = analyzeSeries(c.samples, o.windowMs);
        const top = a.parents[0];
        rows.push({ container: c.name, zombies: a.zombies, perMinute: Math.round(a.perMinute * 10) / 10,
          pids: { current: c.samples.at(-1)!.pidsCurrent, max: c.samples.at(-1)!.pidsMax },
          secondsToLimit: a.msToLimit === undefined ? undefined : Math.round(a.msToLimit / 1000),
          topParent: top ? { ppid: top.ppid, name: top.name, zombies: top.zombies, perMinute: Math.round(top.perMinute * 10) / 10 } : undefined });
        if (!breach && o.maxZombies !== undefined && a.zombies > o.maxZombies) breach = `${c.name}: ${a.zombies} zombies > --max-zombies ${o.maxZombies}`;
        if (!breach && o.maxRate !== undefined && c.samples.length >= 3 && a.perMinute > o.maxRate) breach = `${c.name}: ${a.perMinute.toFixed(1)} zombies/min > --max-rate ${o.maxRate}`;
      }
      rows.sort((a, b) => b.perMinute - a.perMinute || b.zombies - a.zombies || a.container.localeCompare(b.container));
      const record = { t: new Date(t).toISOString(), sample: n, containers: rows, ...(breach ? { breach } : {}) };
      if (live) {
        const L = [`${s.bold('zombie-audit watch --all')}  ${s.dim(`${rows.length} containers, every ${o.intervalMs / 1000} s, sample ${n}`)}`, ''];
        L.push(`${'container'.padEnd(28)} ${'zombies'.padStart(8)} ${'rate/min'.padStart(9)}  ${'limit in'.padEnd(16)} top parent`);
        for (const r of rows.slice(0, 30)) {
          L.push(`${esc(r.container).slice(0, 28).padEnd(28)} ${String(r.zombies).padStart(8)} ${(r.perMinute > 0.05 ? s.red(`+${r.perMinute}`) : 'flat').padStart(9)}  ${(r.secondsToLimit !== undefined ? duration(r.secondsToLimit * 1000) : '-').padEnd(16)} ${r.topParent ? `pid ${r.topParent.ppid} ${esc(r.topParent.name)}` : ''}`);
        }
        if (breach) L.push(s.red(`limit passed: ${esc(breach)}`));
        L.push(s.dim('Ctrl-C to stop'));
        io.stdout.write('\x1b[H\x1b[2J' + L.join('\n') + '\n');
      } else io.stdout.write(toJSONLine(record));
      if (breach) return EXIT.FINDINGS;
      if ((o.count !== undefined && n >= o.count) || (o.durationMs !== undefined && Date.now() - started + o.intervalMs > o.durationMs)) return EXIT.OK;
    }
  } finally {
    await stream.close();
  }
}
