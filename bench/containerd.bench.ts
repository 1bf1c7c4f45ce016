/**
 * containerd benchmarks (npm run bench), on a standalone containerd of their own:
 *  1. one audit of a pod container (`zombie-audit ns/pod/c --runtime containerd`, whole process)
 *     against `ctr task ps` of the same task (containerd's own process list: no names, no
 *     zombies), side by side
 *  2. `--all --runtime containerd` over 20 pod containers (one host read) against a shell loop
 *     of `ctr task ps` over them
 * Everything is removed at the end (tasks, containers, snapshots, the image, the daemon).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { zaProcPath } from '../src/engine/containerd/host-reader.js';
import { fileURLToPath } from 'node:url';
import { TestContainerd } from '../test/src/engine/containerd/ctr.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

function sideBySide(n: number, a: () => number, b: () => number): [number, number] {
  const ta: number[] = [];
  const tb: number[] = [];
  a(); b();
  for (let i = 0; i < n; i++) { ta.push(a()); tb.push(b()); }
  return [median(ta), median(tb)];
}

async function main(): Promise<void> {
  const cd = await TestContainerd.up('bench');
  const env = { ...process.env, CONTAINERD_ADDRESS: cd.sock };
  const rows: string[] = [];
  try {
    const img = await cd.importImage('zombie-audit-fixture/leaky-pid1');
    await cd.runContainer('bench-0', img, { namespace: 'bench', pod: 'pod-0', container: 'app' }, ['/app', '--leak', '6']);
    const [za, ps] = sideBySide(9,
      () => time(process.execPath, [BIN, 'bench/pod-0/app', '--runtime', 'containerd', '--json'], env),
      () => time('ctr', ['-a', cd.sock, '-n', 'k8s.io', 'task', 'ps', 'bench-0']));
    rows.push(`1. one pod container (median of 9)  zombie-audit ${fmt(za)}   ctr task ps ${fmt(ps)}   ratio ${(za / ps).toFixed(2)}x`);
    for (let i = 1; i < 20; i++) await cd.runContainer(`bench-${i}`, img, { namespace: 'bench', pod: `pod-${i}`, container: 'app' }, ['/app', '--leak', '2']);
    const ids = Array.from({ length: 20 }, (_, i) => `bench-${i}`);
    const loop = `for c in ${ids.join(' ')}; do ctr -a "$1" -n k8s.io task ps "$c"; done`;
    const [all, sh] = sideBySide(3,
      () => time(process.execPath, [BIN, '--all', '--runtime', 'containerd', '--json'], env),
      () => time('sh', ['-c', loop, 'sh', cd.sock]));
    rows.push(`2. --all over 20 pod containers      zombie-audit ${fmt(all)}   shell loop of ctr task ps ${fmt(sh)}   ${(sh / all).toFixed(1)}x`);
  } finally {
    await cd.clean();
    cd.down();
  }
  // the host read is O(processes on the host): say how many there were
  const procs = readdirSync('/proc').filter((f) => /^\d+$/.test(f)).length;
  const host = median(Array.from({ length: 5 }, () => time(zaProcPath(), ['--host'])));
  rows.push(`3. one za-proc --host (median of 5) ${fmt(host)} for ${procs} processes on the host`);
  console.log('containerd (standalone, this machine)');
  for (const r of rows) console.log(`  ${r}`);
}

await main();
