/**
 * za-shim against tini, dumb-init and catatonit (Debian's), side by side in one run:
 * binary size, RSS as PID 1, zombies left after an orphan storm (2,000) and how long reaping
 * took, time from docker stop to exit (child handles TERM), signal forwarding latency (docker
 * kill -s USR1 to the child's death and the container's exit), and TERM latency to the child
 * in microseconds (on the host, the init as a subreaper: kill(init, TERM) to the child's
 * sigwaitinfo returning, both stamped with CLOCK_MONOTONIC by python3; inits interleaved).
 * Containers are labelled zombie-audit.test=bench-shim.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dockerArch, nativeBinary } from '../src/collect/helper.js';
import { engine, execText, RUN_LABEL, removeAll, sleep } from '../test/helpers/engine.js';

const RUN = 'bench-shim';
const SHIM = nativeBinary('za-shim', dockerArch(process.arch === 'x64' ? 'x86_64' : process.arch));
const INITS: Array<{ name: string; host: string; entry: string[] }> = [
  { name: 'za-shim', host: SHIM, entry: ['/za/' + SHIM.split('/').pop(), '--'] },
  { name: 'tini-static', host: '/usr/bin/tini-static', entry: ['/sbin/tini', '--'] },
  { name: 'dumb-init', host: '/usr/bin/dumb-init', entry: ['/usr/bin/dumb-init', '--'] },
  { name: 'catatonit', host: '/usr/bin/catatonit', entry: ['/usr/bin/catatonit', '--'] },
  { name: 'none (app is PID 1)', host: '', entry: [] },
];

async function run(entry: string[], cmd: string[]): Promise<string> {
  const dir = SHIM.slice(0, SHIM.lastIndexOf('/'));
  const c = await engine.json<{ Id: string }>('POST', '/containers/create', { body: {
    Image: 'zombie-audit-fixture/base', Entrypoint: entry.length ? entry : undefined, Cmd: cmd, Labels: { [RUN_LABEL]: RUN },
    HostConfig: { NetworkMode: 'none', Binds: [`${dir}:/za:ro`] } } });
  await engine.request('POST', `/containers/${c.Id}/start`);
  await sleep(300);
  return c.Id;
}

/** the storm's size: 2,000 by default; ZA_BENCH_ORPHANS for a quicker run on a loaded machine */
const ORPHANS = Number(process.env.ZA_BENCH_ORPHANS ?? 2000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** TERM latency per init on the host, in microseconds: {name: {median, p90}} (rounds interleaved). */
const LATENCY_PY = `
import json, os, signal, subprocess, sys, time
CHILD = r'''
import signal, sys, time
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
sys.stdout.write("ready\\n"); sys.stdout.flush()
signal.sigwaitinfo([signal.SIGTERM])
sys.stdout.write("%d\\n" % time.clock_gettime_ns(time.CLOCK_MONOTONIC)); sys.stdout.flush()
'''
n = int(sys.argv[1]); inits = [a.split('=', 1) for a in sys.argv[2:]]; lat = {name: [] for name, _ in inits}
for _ in range(n):
    for name, path in inits:
        p = subprocess.Popen([path, '--', sys.executable, '-c', CHILD], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert p.stdout.readline() == b'ready\\n'
        time.sleep(0.02)
        t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        os.kill(p.pid, signal.SIGTERM)
        t1 = int(p.stdout.readline())
        p.wait()
        lat[name].append((t1 - t0) / 1000)
print(json.dumps({k: {'median': sorted(v)[len(v) // 2], 'p90': sorted(v)[int(len(v) * 0.9)]} for k, v in lat.items()}))
`;

function termLatency(rounds: number): Record<string, { median: number; p90: number }> {
  const specs = INITS.filter((i) => i.host).map((i) => `${i.name}=${i.host}`);
  return JSON.parse(execFileSync('python3', ['-c', LATENCY_PY, String(rounds), ...specs], { encoding: 'utf8' })) as Record<string, { median: number; p90: number }>;
}

async function main(): Promise<void> {
  await removeAll(RUN);
  const termLat = termLatency(40);
  console.log(`TERM to child (µs, host, 40 interleaved rounds): ${JSON.stringify(termLat)}`);
  const rows: string[] = [];
  try {
    for (const init of INITS) {
      const size = init.host ? `${statSync(init.host).size.toLocaleString('en')} B` : '-';
      const a = await run(init.entry, ['/app', '--term']);
      const rss = (await execText(a, ['sh', '-c', 'while read -r k v u; do [ "$k" = VmRSS: ] && echo $v; done < /proc/1/status'])).trim();
      await engine.exec(a, ['sh', '-c', `i=0; while [ $i -lt ${ORPHANS} ]; do (true &); i=$((i+1)); done`], { timeoutMs: 600_000 });
      const countZ = async () => (await execText(a, ['sh', '-c', 'n=0; for f in /proc/[0-9]*/stat; do read -r s < $f 2>/dev/null || continue; case "${s##*) }" in Z*) n=$((n+1));; esac; done; echo $n'])).trim();
      const tz = Date.now();
      let zombies = await countZ();
      while (zombies !== '0' && Date.now() - tz < 1500) { await sleep(50); zombies = await countZ(); }
      const reapMs = Date.now() - tz;
      const stops: number[] = [];
      const lat: number[] = [];
      let code = 0;
      for (let i = 0; i < 5; i++) {
        const s = i === 0 ? a : await run(init.entry, ['/app', '--term']);
        const t0 = process.hrtime.bigint();
        await engine.request('POST', `/containers/${s}/stop`, { query: { t: 10 }, timeoutMs: 30_000 });
        stops.push(Number(process.hrtime.bigint() - t0) / 1e6);
        code = (await engine.json<{ State: { ExitCode: number } }>('GET', `/containers/${s}/json`)).State.ExitCode;
        const b = await run(init.entry, ['/app', '--term']);
        const t1 = process.hrtime.bigint();
        await engine.request('POST', `/containers/${b}/kill`, { query: { signal: 'SIGUSR1' } });
        const w = engine.request('POST', `/containers/${b}/wait`, { timeoutMs: 5000 }).then(() => true, () => false);
        lat.push((await w) ? Number(process.hrtime.bigint() - t1) / 1e6 : NaN);
      }
      const l = median(lat);
      const t = termLat[init.name];
      rows.push(`${init.name.padEnd(20)} ${size.padStart(10)}  RSS ${rss.padStart(5)} kB  zombies ${zombies.padStart(5)}/${ORPHANS}${zombies === '0' ? ` (all gone ${reapMs} ms after the storm)` : ''}  TERM to child ${t ? `${t.median.toFixed(0)} µs median (p90 ${t.p90.toFixed(0)})` : '-'}  stop ${median(stops).toFixed(0).padStart(6)} ms (exit ${code})  USR1 forwarded ${Number.isNaN(l) ? 'no (dropped by PID 1)' : `${l.toFixed(0)} ms to exit`}`);
      console.log(rows[rows.length - 1]);
      await removeAll(RUN);
    }
  } finally {
    await removeAll(RUN);
    engine.close();
  }
  console.log('\nza-shim against the other inits (one run, this machine; medians of 5 for stop and USR1, of 40 for TERM to child)\n' + rows.join('\n'));
}

await main();
