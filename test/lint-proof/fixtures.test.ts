/**
 * Every lint fixture's claim, proven in a container, on each /bin/sh lint models.
 *
 * scripts/lint-proof-bases.sh imports three registry-free bases whose /bin/sh is Debian's dash, Debian's
 * bash and busybox ash (the fixture app at /app, tini at /sbin/tini and /usr/bin/tini, busybox's other
 * applets). For each fixtures/lint Dockerfile and each of the three shells:
 *  1. lint it as if /bin/sh were that shell (`sh` option): lint predicts PID 1's command name and whether
 *     docker stop's TERM is dropped (Pid1Facts.pid1), and which findings it reports;
 *  2. build it with the FROM mapping below, run it (network none), read /proc/1/comm, time `docker stop -t 3`
 *     and read the exit code;
 *  3. check the prediction: same PID 1; TERM dropped => stop waits out the grace and exits 137; not dropped
 *     => stop is quick and the exit is not 137; a background job / daemon lint flags is really a child of
 *     PID 1 after the final exec.
 * FROM mapping (documented in docs/findings/ZL101.md): every FROM that is not an earlier stage becomes
 * `zombie-audit-lint/<shell>`; RUN instructions are dropped (they install packages the bases already
 * carry, and there is no network). Images are cached by a hash of the rewritten build context.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KnownShell } from '../../src/lint/knowledge.js';
import { explainDockerfile } from '../../src/lint/lint.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIX = join(ROOT, 'fixtures/lint');
const LABEL = 'zombie-audit.test';
const RUN = `lint-proof-${randomBytes(3).toString('hex')}`;
const SHELLS: KnownShell[] = ['dash', 'bash', 'busybox'];
const GRACE = 5;

/** the proof images this run used: older ones (stale hashes) are removed after the run */
const used = new Set<string>();
const docker = async (args: string[], timeoutMs = 120_000): Promise<string> => (await run('docker', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();

/** The Dockerfiles of fixtures/lint (not the Windows one: lint skips it, and there is no Windows engine here). */
function fixtures(): Array<{ dir: string; file: string }> {
  const out: Array<{ dir: string; file: string }> = [];
  for (const d of readdirSync(FIX).sort()) {
    const dir = join(FIX, d);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!/^dockerfile/i.test(f)) continue;
      const text = readFileSync(join(dir, f), 'utf8');
      if (/mcr\.microsoft\.com\/windows/.test(text)) continue;
      out.push({ dir, file: f });
    }
  }
  return out;
}

/** FROM (not an earlier stage) -> the base of that shell; RUN dropped (line continuations included). */
export function rewrite(text: string, shell: KnownShell): string {
  const stages = new Set<string>();
  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(\s+AS\s+(\S+))?/i.exec(l);
    if (from) {
      const img = from[1].toLowerCase();
      out.push(stages.has(img) ? l : `FROM zombie-audit-lint/${shell}${from[2] ?? ''}`);
      if (from[3]) stages.add(from[3].toLowerCase());
      continue;
    }
    if (/^\s*RUN\s/i.test(l)) {
      while (lines[i].trimEnd().endsWith('\\') && i + 1 < lines.length) i++;
      continue;
    }
    out.push(l);
  }
  return out.join('\n');
}

async function buildImage(dir: string, file: string, shell: KnownShell): Promise<string> {
  const ctx = mkdtempSync(join(tmpdir(), 'za-lint-proof-'));
  try {
    cpSync(dir, ctx, { recursive: true });
    const df = rewrite(readFileSync(join(dir, file), 'utf8'), shell);
    writeFileSync(join(ctx, file), df);
    const h = createHash('sha256');
    const baseId = await docker(['image', 'inspect', '-f', '{{.Id}}', `zombie-audit-lint/${shell}`]);
    h.update(baseId);
    for (const f of readdirSync(ctx).sort()) h.update(f).update(readFileSync(join(ctx, f))).update(String(statSync(join(ctx, f)).mode));
    const tag = `zombie-audit-lint-proof/${basename(dir)}-${file.toLowerCase().replace(/[^a-z0-9.-]/g, '-')}:${shell}-${h.digest('hex').slice(0, 12)}`;
    const have = spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0;
    used.add(tag);
    if (!have) await docker(['build', '-q', '--label', 'zombie-audit.lint-proof=1', '-f', join(ctx, file), '-t', tag, ctx], 180_000);
    return tag;
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

interface Observed { comm: string; stopSeconds: number; exit: number; ps: string }

async function observe(image: string, wanted: string[] = []): Promise<Observed> {
  const id = await docker(['run', '-d', '--network', 'none', '--label', `${LABEL}=${RUN}`, image]);
  // let PID 1 settle: scripts exec, temp servers stop (the fixtures take well under a second)
  await new Promise((r) => setTimeout(r, 1500));
  const comm = await docker(['exec', id, 'cat', '/proc/1/comm']);
  // the jobs and daemons lint names: polled a little, a forking daemon can be slow on a loaded machine
  let ps = '';
  for (let i = 0; i < 6; i++) {
    ps = await docker(['exec', id, 'ps', '-o', 'pid,ppid,comm']);
    const names = ps.split('\n').map((l) => l.trim().split(/\s+/)[2]);
    if (wanted.every((w) => names.includes(w))) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const t0 = Date.now();
  await docker(['stop', '-t', String(GRACE), id]);
  const stopSeconds = (Date.now() - t0) / 1000;
  const exit = Number(await docker(['inspect', '-f', '{{.State.ExitCode}}', id]));
  return { comm, stopSeconds, exit, ps };
}

/** run async tasks with a small concurrency (2 cores, shared machine) */
async function pool<T>(tasks: Array<() => Promise<T>>, n: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  let failed: unknown;
  // every worker runs to the end, so after() removes every container even when one case throws
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < tasks.length && failed === undefined) {
      const i = next++;
      try { out[i] = await tasks[i](); } catch (e) { failed ??= e; }
    }
  }));
  if (failed !== undefined) throw failed;
  return out;
}

before(() => {
  const r = spawnSync('bash', [join(ROOT, 'scripts/lint-proof-bases.sh')], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `lint-proof-bases.sh failed: ${r.stderr}`);
});

after(async () => {
  const ids = (await docker(['ps', '-aq', '--filter', `label=${LABEL}=${RUN}`])).split('\n').filter(Boolean);
  if (ids.length) await docker(['rm', '-f', ...ids]);
  if (used.size === 0) return;
  const mine = (await docker(['images', '--filter', 'reference=zombie-audit-lint-proof/*', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n').filter(Boolean);
  const stale = mine.filter((t) => !used.has(t) && t.startsWith('zombie-audit-lint-proof/'));
  if (stale.length) await docker(['rmi', ...stale]).catch(() => undefined);
});

test('the FROM mapping rewrites bases, keeps stage references and drops RUN', () => {
  const df = 'ARG B=debian\nFROM ${B} AS base\nRUN apt-get update && \\\n  apt-get install -y tini\nFROM alpine AS x\nFROM base\nCMD x\n';
  assert.equal(rewrite(df, 'dash'), 'ARG B=debian\nFROM zombie-audit-lint/dash AS base\nFROM zombie-audit-lint/dash AS x\nFROM base\nCMD x\n');
});

test('every lint fixture: lint\'s PID 1 and docker stop claims agree with a container run, on dash, bash and busybox', async () => {
  // a fixture whose scripts need bash does not run on the busybox base (no bash there, as on Alpine)
  const needsBash = (dir: string) => readdirSync(dir).some((f) => /^#!.*\bbash\b/.test(readFileSync(join(dir, f), 'utf8').split('\n')[0]));
  const cases = fixtures().flatMap((f) => SHELLS.filter((s) => s !== 'busybox' || !needsBash(f.dir)).map((shell) => ({ ...f, shell })));
  assert.ok(cases.length >= 60, `cases found: ${cases.length}`);
  const results = await pool(cases.map((c) => async () => {
    const { facts, findings } = await explainDockerfile(join(c.dir, c.file), { sh: c.shell });
    assert.ok(facts, `${c.dir}: lint found no PID 1`);
    const image = await buildImage(c.dir, c.file, c.shell);
    const wanted = findings.filter((x) => x.id === 'ZL104' || x.id === 'ZL108').map((x) => basename(/`([^`\s]+)/.exec(x.message)?.[1] ?? '?'));
    const seen = await observe(image, wanted);
    return { c, facts, findings, seen };
  }), 3);
  const failures: string[] = [];
  const rows: string[] = [];
  for (const { c, facts, findings, seen } of results) {
    const name = `${basename(c.dir)}/${c.file} on ${c.shell}`;
    const p = facts!.pid1;
    const errs = findings.filter((f) => f.severity !== 'info').map((f) => `${f.id}:${f.severity}`).join(',') || '-';
    rows.push(`${name.padEnd(48)} lint: pid1=${p.comm ?? '(not a shell)'} drops=${p.dropsTerm} [${errs}]  seen: pid1=${seen.comm} stop=${seen.stopSeconds.toFixed(1)}s exit=${seen.exit}`);
    if (p.comm !== undefined && p.comm !== seen.comm) failures.push(`${name}: lint says PID 1 is ${p.comm}, it is ${seen.comm}`);
    if (p.comm === undefined && /^(sh|bash|dash|ash)$|\.sh$/.test(seen.comm)) failures.push(`${name}: lint says the shell does not stay, PID 1 is ${seen.comm}`);
    if (p.dropsTerm === true && !(seen.exit === 137 && seen.stopSeconds >= GRACE - 0.5)) failures.push(`${name}: lint says TERM is dropped; docker stop took ${seen.stopSeconds}s, exit ${seen.exit}`);
    // handled: not killed after the grace (the exit code says it; timing alone is unreliable on a loaded machine)
    if (p.dropsTerm === false && seen.exit === 137) failures.push(`${name}: lint says TERM is handled; docker stop took ${seen.stopSeconds}s, exit ${seen.exit}`);
    // findings that say "the shell stays PID 1" must see a shell or script as PID 1; none of them when the app is PID 1
    const staysClaim = findings.some((f) => (f.id === 'ZL101' || f.id === 'ZL102' || f.id === 'ZL103') && f.severity === 'error');
    if (staysClaim && !/^(sh|bash|dash|ash)$|\.sh$/.test(seen.comm)) failures.push(`${name}: lint says the shell stays PID 1, PID 1 is ${seen.comm}`);
    // ZL104 / ZL108: the job or daemon lint names outlives the final exec, a child of PID 1 that never got TERM
    for (const f of findings.filter((x) => x.id === 'ZL104' || x.id === 'ZL108')) {
      const job = /`([^`\s]+)/.exec(f.message)?.[1] ?? '?';
      const line = seen.ps.split('\n').find((l) => l.trim().split(/\s+/)[2] === basename(job));
      if (!line) failures.push(`${name}: ${f.id} names ${job}, which is not running`);
      else if (line.trim().split(/\s+/)[1] !== '1') failures.push(`${name}: ${f.id}: ${job} is not a child of PID 1 (${line.trim()})`);
    }
  }
  console.log(rows.join('\n'));
  assert.deepEqual(failures, []);
});
