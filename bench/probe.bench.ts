/**
 * Probe benchmarks (npm run bench): time to each verdict, whole process, on the fixtures.
 * Goal: the zombie verdict well under 2 s; the TERM verdict bounded by the grace period only
 * where the app really hangs. Everything started is labelled zombie-audit.test=bench-probe.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { engine, removeAll, start } from '../test/helpers/engine.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const RUN = 'bench-probe';

function timed(args: string[]): { ms: number; summary: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args, '--json'], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const j = JSON.parse(r.stdout);
  return { ms, summary: j.zombieProbe?.summary ?? j.termProbe?.summary ?? j.error?.message };
}

async function main(): Promise<void> {
  await removeAll(RUN);
  const rows: string[] = [];
  try {
    const cases: Array<[string, string, string[]?, string[]?]> = [
      ['leaky app as PID 1', 'zombie-audit-fixture/leaky-pid1'],
      ['tini + app', 'zombie-audit-fixture/tini'],
      ['dumb-init + app', 'zombie-audit-fixture/dumb-init'],
      ['healthy app', 'zombie-audit-fixture/healthy'],
      ['no shell in the image', 'zombie-audit-fixture/no-shell'],
      ['tini + app ignoring TERM', 'zombie-audit-fixture/base', ['/sbin/tini', '--'], ['/app', '--ignore-term']],
    ];
    for (const [label, image, entrypoint, cmd] of cases) {
      const name = await start(RUN, { image, entrypoint, cmd });
      await new Promise((r) => setTimeout(r, 300));
      const z = timed(['probe', name, '--only', 'zombie']);
      const t = timed(['probe', name, '--only', 'term']);
      rows.push(`${label.padEnd(26)} zombie ${z.ms.toFixed(0).padStart(6)} ms  ${z.summary}\n${''.padEnd(26)} TERM   ${t.ms.toFixed(0).padStart(6)} ms  ${t.summary}`);
    }
  } finally {
    await removeAll(RUN);
    engine.close();
  }
  console.log('\nprobe: time to verdict, whole process (one run, this machine)\n' + rows.join('\n'));
}

await main();
