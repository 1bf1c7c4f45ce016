/**
 * za-shim against tini, dumb-init and catatonit (Debian's), side by side in one run:
 * binary size, RSS as PID 1, zombies left after an orphan storm (2,000), time from docker stop to
 * exit (child handles TERM), and signal forwarding latency (docker kill -s USR1 to the child's
 * death and the container's exit). Containers are labelled zombie-audit.test=bench-shim.
 */
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  await removeAll(RUN);
  const rows: string[] = [];
  try {
    for (const init of INITS) {
      const size = init.host ? `${statSync(init.host).size.toLocaleString('en')} B` : '-';
      const a = await run(init.entry, ['/app', '--term']);
      const rss = (await execText(a, ['sh', '-c', 'while read -r k v u; do [ "$k" = VmRSS: ] && echo $v; done < /proc/1/status'])).trim();
      await execText(a, ['sh', '-c', 'i=0; while [ $i -lt 2000 ]; do (true &); i=$((i+1)); done']);
      await sleep(1500);
      const zombies = (await execText(a, ['sh', '-c', 'n=0; for f in /proc/[0-9]*/stat; do read -r s < $f 2>/dev/null || continue; case "${s##*) }" in Z*) n=$((n+1));; esac; done; echo $n'])).trim();
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
      rows.push(`${init.name.padEnd(20)} ${size.padStart(10)}  RSS ${rss.padStart(5)} kB  zombies ${zombies.padStart(5)}/2000  stop ${median(stops).toFixed(0).padStart(6)} ms (exit ${code})  USR1 forwarded ${Number.isNaN(l) ? 'no (dropped by PID 1)' : `${l.toFixed(0)} ms to exit`}`);
      await removeAll(RUN);
    }
  } finally {
    await removeAll(RUN);
    engine.close();
  }
  console.log('\nza-shim against the other inits (one run, this machine; medians of 5 for stop and USR1)\n' + rows.join('\n'));
}

await main();
