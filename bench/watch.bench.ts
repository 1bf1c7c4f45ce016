/**
 * watch: the cost of one sample (one engine round trip, as the audit) at 1 and 5,000 processes:
 * wall time, the tool's CPU, and the engine's CPU (dockerd, containerd and its shims, runc,
 * read from the host's /proc), so a watch at 1 s can be judged safe on a production host.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { collect } from '../src/collect/collect.js';
import { openSnapshotStream } from '../src/collect/stream.js';
import { engine, removeAll, start, until } from '../test/helpers/engine.js';

const RUN = 'bench-watch';
const ENGINE = /^(dockerd|containerd|containerd-shim.*|runc|za-proc)$/;

function engineTicks(): number {
  let t = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      if (!ENGINE.test(name)) continue;
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      t += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
    } catch { /* gone */ }
  }
  return t;
}

async function main(): Promise<void> {
  await removeAll(RUN);
  const rows: string[] = [];
  try {
    for (const [label, cmd, n] of [['1 process', ['/app', '--term'], 1], ['5,000 processes', ['/app', '--leak', '4999'], 5000]] as const) {
      const c = await start(RUN, { image: 'zombie-audit-fixture/base', cmd: [...cmd] });
      await until(async () => (await collect(engine, c)).snapshot.procs.size >= n, 30_000);
      const N = 20;
      for (const collector of ['exec', 'stream'] as const) {
        const stream = collector === 'stream' ? await openSnapshotStream(engine, c, 250) : undefined;
        if (stream) { await stream.next(); await stream.next(); } // started and steady
        const e0 = engineTicks();
        const c0 = process.cpuUsage();
        const t0 = Date.now();
        for (let i = 0; i < N; i++) {
          if (stream) await stream.next(); else await collect(engine, c);
        }
        const wall = (Date.now() - t0) / N;
        const cpu = process.cpuUsage(c0);
        const tool = (cpu.user + cpu.system) / 1000 / N;
        const eng = ((engineTicks() - e0) * 10) / N;
        await stream?.close();
        rows.push(`${label.padEnd(16)} ${collector.padEnd(6)} per sample: ${collector === 'stream' ? '(every 250 ms)' : `${wall.toFixed(0).padStart(4)} ms wall  `}, tool CPU ${tool.toFixed(1).padStart(5)} ms, engine + collector CPU ${eng.toFixed(0).padStart(3)} ms  => at --interval 1: ${((tool + eng) / 10).toFixed(1)}% of one core`);
      }
      await removeAll(RUN);
    }
  } finally {
    await removeAll(RUN);
    engine.close();
  }
  console.log('\nwatch: cost per sample (one run, this machine, 20 samples each)\n' + rows.join('\n'));
}

await main();
