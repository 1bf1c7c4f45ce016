/**
 * Audit benchmarks, side by side in one run (npm run bench):
 *  1. one audit, whole process, against `docker exec <c> ps -o pid,ppid,stat,comm` (goal <= 2.5x)
 *  2. --all over 50 containers against a shell loop of `docker exec <c> ps` (goal >= 5x faster)
 *  3. containers holding 1,000 / 5,000 / 20,000 zombies: audit time and cost per process
 *     (goal: 5,000 under 1 s, cost per process flat; 20,000 under 5 s and 150 MB), beside
 *     `docker exec ps` on the same container
 * Everything started is labelled zombie-audit.bench and removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { engine, removeAll, start, until } from '../test/helpers/engine.js';
import { collect } from '../src/collect/collect.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const RUN = 'bench';

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Alternate the two commands so drift hits both alike. */
function sideBySide(n: number, a: () => number, b: () => number): [number, number] {
  const ta: number[] = [];
  const tb: number[] = [];
  a(); b(); // warm up
  for (let i = 0; i < n; i++) { ta.push(a()); tb.push(b()); }
  return [median(ta), median(tb)];
}

/** The CLI's peak resident set (GNU time's %M), or '?' where /usr/bin/time is missing. */
function peakRssMB(args: string[]): string {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const kb = Number((r.stderr ?? '').trim().split('\n').at(-1));
  return Number.isFinite(kb) && kb > 0 ? (kb / 1024).toFixed(0) : '?';
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

async function main(): Promise<void> {
  await removeAll(RUN);
  const rows: string[] = [];
  try {
    // 1. one audit
    const one = await start(RUN, { image: 'zombie-audit-fixture/leaky-pid1', name: 'bench-one' });
    await new Promise((r) => setTimeout(r, 300));
    const [za, ps] = sideBySide(15,
      () => time(process.execPath, [BIN, one, '--json']),
      () => time('docker', ['exec', one, 'ps', '-o', 'pid,ppid,stat,comm']));
    const node0 = median(Array.from({ length: 7 }, () => time(process.execPath, ['-e', '0'])));
    rows.push(`1. one audit (median of 15)         zombie-audit ${fmt(za)}   docker exec ps ${fmt(ps)}   ratio ${(za / ps).toFixed(2)}x (goal <= 2.5x; node -e 0 alone: ${fmt(node0)})`);

    // 2. --all over 50 containers
    const names: string[] = [];
    for (let i = 0; i < 50; i += 10) {
      names.push(...await Promise.all(Array.from({ length: 10 }, (_, j) =>
        start(RUN, { image: 'zombie-audit-fixture/base', name: `bench-all-${i + j}`, cmd: ['/app', '--leak', '2'] }))));
    }
    await new Promise((r) => setTimeout(r, 500));
    const loop = `for c in ${names.join(' ')}; do docker exec $c ps -o pid,ppid,stat,comm >/dev/null; done`;
    const [allHost, shell] = sideBySide(3,
      () => time(process.execPath, [BIN, '--all', '--json', '--filter', `label=zombie-audit.test=${RUN}`]),
      () => time('sh', ['-c', loop]));
    const allExec = median(Array.from({ length: 3 }, () => time(process.execPath, [BIN, '--all', '--json', '--method', 'exec', '--filter', `label=zombie-audit.test=${RUN}`])));
    rows.push(`2. --all, ${names.length} containers (median of 3) host helper ${fmt(allHost)}   shell loop of docker exec ps ${fmt(shell)}   ${(shell / allHost).toFixed(1)}x faster (goal >= 5x); per-container exec (8 at once) ${fmt(allExec)}, ${(shell / allExec).toFixed(1)}x`);
    await removeAll(RUN);

    // 3. many zombies
    for (const n of [1000, 5000, 20000]) {
      const c = await start(RUN, { image: 'zombie-audit-fixture/base', name: `bench-z${n}`, cmd: ['/app', '--leak', String(n)] });
      const ok = await until(async () => (await collect(engine, c)).snapshot.procs.size >= n + 1, 60_000);
      if (!ok) { rows.push(`3. ${n} zombies: the fixture did not reach ${n} (PID limit?)`); continue; }
      const t = median(Array.from({ length: 5 }, () => time(process.execPath, [BIN, c, '--json'])));
      const th = median(Array.from({ length: 3 }, () => time(process.execPath, [BIN, c, '--json', '--method', 'helper'])));
      const tp = median(Array.from({ length: 3 }, () => time('docker', ['exec', c, 'ps', '-o', 'pid,ppid,stat,comm'])));
      const rss = peakRssMB([BIN, c, '--json']);
      rows.push(`3. ${String(n).padStart(5)} zombies (median of 5)   exec ${fmt(t)}  (${((t * 1000) / n).toFixed(1)} µs/process, ${(t / tp).toFixed(2)}x docker exec ps ${fmt(tp)}; peak RSS ${rss} MB)   helper ${fmt(th)}  (${((th * 1000) / n).toFixed(1)} µs/process)`);
      await removeAll(RUN);
    }
  } finally {
    await removeAll(RUN);
    engine.close();
  }
  console.log('\nzombie-audit benchmarks (one run, this machine)\n' + rows.join('\n'));
}

await main();
