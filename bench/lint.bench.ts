/**
 * lint, measured in one run:
 * - the labelled real-world corpus (test/corpus/labels.tsv; files in ZA_CORPUS_DIR, default /work/corpus,
 *   one folder per id): precision and recall, a context flagged when it gets an error or a warning,
 *   over `problem` and `ok` contexts (`skip` counts neither way); and files/s on those real files in one process;
 * - one file, whole process (bin/run.js lint), against `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintPaths } from '../src/lint/lint.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/run.js');
const CORPUS = process.env.ZA_CORPUS_DIR ?? '/work/corpus';
const none = { ignore: [], severity: {} };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU time (user + system, ms) of the children this process has waited for: robust on a loaded machine */
function childCpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[13]) + Number(rest[14])) * 10; // cutime, cstime in clock ticks (100 Hz)
}

const cpuRuns: Record<string, number[]> = {};
function time(args: string[]): number {
  const t = process.hrtime.bigint();
  const c = childCpuMs();
  spawnSync(process.execPath, args, { stdio: 'ignore' });
  (cpuRuns[args.join(' ')] ??= []).push(childCpuMs() - c);
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const cpuOf = (args: string[]) => { const xs = cpuRuns[args.join(' ')] ?? []; return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length); };

/** the Dockerfile(s) of a context folder */
function dockerfiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => /^(dockerfile|containerfile)/i.test(f) || /\.dockerfile$/i.test(f)).map((f) => join(dir, f));
}

async function corpus(): Promise<string> {
  const labels = join(ROOT, 'test/corpus/labels.tsv');
  if (!existsSync(labels) || !existsSync(CORPUS)) return `corpus: not present (labels ${existsSync(labels) ? 'found' : 'missing'}, files ${CORPUS} ${existsSync(CORPUS) ? 'found' : 'missing'})`;
  const rows = readFileSync(labels, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
  let tp = 0; let fp = 0; let fn = 0; let tn = 0; let missing = 0; let crashed = 0;
  const misses: string[] = [];
  const alarms: string[] = [];
  const all: string[] = [];
  for (const [id, label] of rows) {
    const dir = join(CORPUS, id);
    const files = existsSync(dir) ? dockerfiles(dir) : [];
    if (files.length === 0) { missing++; continue; }
    all.push(...files);
    if (label !== 'problem' && label !== 'ok') continue;
    let flagged = false;
    try {
      const r = await lintPaths(files, { config: none });
      flagged = r.findings.some((f) => f.severity !== 'info');
    } catch (e) {
      crashed++;
      misses.push(`${id} crashed: ${(e as Error).message}`);
    }
    if (label === 'problem') { if (flagged) tp++; else { fn++; misses.push(id); } } else if (flagged) { fp++; alarms.push(id); } else tn++;
  }
  // throughput: every real file in one process (parsers already loaded)
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const reps = Math.max(1, Math.ceil(500 / Math.max(1, all.length)));
  for (let i = 0; i < reps; i++) for (const f of all) await lintPaths([f], { config: none });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cu = process.cpuUsage(c0);
  const cpuSecs = (cu.user + cu.system) / 1e6;
  const precision = tp + fp ? (100 * tp) / (tp + fp) : 100;
  const recall = tp + fn ? (100 * tp) / (tp + fn) : 100;
  return [
    `corpus (${rows.length} labelled contexts, ${missing} without files here): precision ${precision.toFixed(1)}% (${tp} of ${tp + fp} flagged), recall ${recall.toFixed(1)}% (${tp} of ${tp + fn} problems), ${tn} ok left quiet, ${crashed} crashed`,
    ...(alarms.length ? [`  false alarms: ${alarms.join(' ')}`] : []),
    ...(misses.length ? [`  misses: ${misses.join(' ')}`] : []),
    `real files in one process: ${all.length * reps} lints (${all.length} files x ${reps}) in ${secs.toFixed(2)} s = ${((all.length * reps) / secs).toFixed(0)} files/s wall, ${((all.length * reps) / cpuSecs).toFixed(0)} files per CPU-second`,
  ].join('\n');
}

async function main(): Promise<void> {
  await lintPaths([join(ROOT, 'fixtures/lint/copy-dot/Dockerfile')], { config: none }); // parsers loaded once
  const c = await corpus();
  const a1 = [BIN, 'lint', join(ROOT, 'fixtures/lint/shell-lone/Dockerfile'), '--fail-on', 'none'];
  const a2 = [BIN, 'lint', join(ROOT, 'fixtures/lint/copy-dot/Dockerfile'), '--fail-on', 'none'];
  const a0 = ['-e', '0'];
  const w1: number[] = []; const w2: number[] = []; const w0: number[] = [];
  for (let i = 0; i < 9; i++) { w1.push(time(a1)); w2.push(time(a2)); w0.push(time(a0)); } // interleaved: the same load for each
  const [one, oneScript, node0] = [median(w1), median(w2), median(w0)];
  const [c1, c2, cn] = [cpuOf(a1), cpuOf(a2), cpuOf(a0)];
  console.log(`\nlint (one run, this machine; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})\n${c}\none file, whole process (median wall of 9, interleaved): ${one.toFixed(0)} ms (Dockerfile only), ${oneScript.toFixed(0)} ms (Dockerfile + script, grammar loaded) against node -e 0 ${node0.toFixed(0)} ms (${(one / node0).toFixed(1)}x, ${(oneScript / node0).toFixed(1)}x); CPU time ${c1.toFixed(0)} / ${c2.toFixed(0)} / ${cn.toFixed(0)} ms (${(c1 / cn).toFixed(1)}x, ${(c2 / cn).toFixed(1)}x)`);
}

await main();
