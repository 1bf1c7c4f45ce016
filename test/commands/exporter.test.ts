import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { packageRoot } from '../../src/paths.js';
import { engine, execText, removeAll, runId, sleep, start, until } from '../helpers/engine.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const run = runId('exporter');
const children: ChildProcess[] = [];
const dirs: string[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await removeAll(run);
  engine.close();
});

const za = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

function listenOn(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

async function freePort(): Promise<number> {
  const s = await listenOn();
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface Spawned { child: ChildProcess; err: () => string; exited: Promise<{ code: number | null; signal: string | null }> }

function spawnTracked(cmd: string, args: string[]): Spawned {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, err: () => err, exited };
}

async function exporter(port: number, interval: string, wrap: string[] = []): Promise<Spawned> {
  const argv = [process.execPath, BIN, 'exporter', '--listen', `127.0.0.1:${port}`, '--interval', interval];
  const s = wrap.length ? spawnTracked(wrap[0], [...wrap.slice(1), ...argv]) : spawnTracked(argv[0], argv.slice(1));
  assert.ok(await until(async () => s.err().includes('serving http://'), 30_000), `the exporter did not start: ${s.err()}`);
  return s;
}

test('usage and engine errors: one line, a hint, exit 2', async () => {
  let r = za(['exporter', '--listen', 'nowhere']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^zombie-audit: --listen takes ADDR:PORT .*\n {2}hint: see: zombie-audit exporter --help\n$/);
  r = za(['exporter', '--interval', '5x']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--interval takes a duration like 500ms, 2s, 1m/);
  r = za(['exporter', '--host', 'unix:///nonexistent/docker.sock']);
  assert.equal(r.code, 2);
  assert.match(r.err, /no Docker engine answers at unix:\/\/\/nonexistent\/docker\.sock/);
  assert.match(r.err, /hint: /);
  const busy = await listenOn();
  try {
    r = za(['exporter', '--listen', `127.0.0.1:${(busy.address() as { port: number }).port}`]);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE\n {2}hint: another process serves that port/);
  } finally {
    busy.close();
  }
  assert.match(za(['--help']).out, /exporter\s+Serve Prometheus metrics/);
});

test('as PID 1 of its own PID namespace it stops on SIGTERM, exit 0 (the kernel would drop an unhandled TERM)', { timeout: 90_000 }, async () => {
  // an interval no other tool uses, to recognise this exporter's host-wide helper (za-proc --every 1300)
  const s = await exporter(await freePort(), '1300ms', ['unshare', '--pid', '--fork', '--kill-child']);
  // the exporter is the child of unshare, PID 1 of the new namespace
  const pid = Number(readFileSync(`/proc/${s.child.pid}/task/${s.child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^NSpid:\s+\d+\s+1$/m, 'PID 1 in its namespace');
  await sleep(2500); // a few samples, one maybe in flight
  process.kill(pid, 'SIGTERM');
  const t0 = Date.now();
  const r = await s.exited;
  assert.equal(r.code, 0, s.err());
  assert.ok(Date.now() - t0 < 15_000, `stopped in ${Date.now() - t0} ms`);
  assert.match(s.err(), /SIGTERM: stopping/);
  const helpers = await engine.json<Array<{ Command: string }>>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: ['zombie-audit.helper'] }) } });
  assert.deepEqual(helpers.filter((h) => h.Command.includes('--every 1300')), [], 'its helper is gone with it');
});

test('a real Prometheus scraping the exporter stores the zombie count docker exec ps sees', { timeout: 300_000 }, async () => {
  execFileSync('bash', [join(packageRoot(), 'scripts/prometheus-up.sh')], { stdio: 'inherit' });
  const t0 = Date.now();
  // 2 zombies a second (PID 1 forks every 500 ms and never waits), and a healthy app
  const leaky = await start(run, { image: 'zombie-audit-fixture/base', cmd: ['/app', '--leak-every', '500'] });
  const healthy = await start(run, { image: 'zombie-audit-fixture/healthy' });
  const [ep, pp] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'za-prom-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 2s, evaluation_interval: 2s }',
    `rule_files: [${JSON.stringify(join(packageRoot(), 'deploy/prometheus/zombie-audit.rules.yml'))}]`,
    'scrape_configs:',
    '  - job_name: zombie-audit',
    '    scrape_timeout: 2s',
    `    static_configs: [{ targets: ["127.0.0.1:${ep}"] }]`,
  ].join('\n') + '\n');
  const exp = await exporter(ep, '2s');
  const prom = spawnTracked('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${pp}`, '--log.level=warn']);
  const api = `http://127.0.0.1:${pp}/api/v1`;
  const query = async (q: string): Promise<Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>> => {
    const res = await fetch(`${api}/query?query=${encodeURIComponent(q)}`);
    const j = (await res.json()) as { status: string; data: { result: [] }; error?: string };
    assert.equal(j.status, 'success', `${q}: ${j.error}`);
    return j.data.result;
  };
  assert.ok(await until(async () => (await fetch(`http://127.0.0.1:${pp}/-/ready`).catch(() => undefined))?.status === 200, 30_000), `Prometheus did not start: ${prom.err()}`);

  // the truth, by docker exec ps, about once a second while Prometheus scrapes; at least 45 s, and until
  // Prometheus holds 3 different samples from the last 30 s (a loaded engine makes samples slow)
  const truth: Array<{ t: number; n: number }> = [];
  const recentSamples = async (): Promise<number> =>
    new Set(((await query('zombie_audit_sampler_last_success_timestamp_seconds[30s]'))[0]?.values ?? []).map(([, v]) => v).filter((v) => v !== '0')).size;
  while (Date.now() - t0 < 45_000 || (Date.now() - t0 < 200_000 && (await recentSamples()) < 3)) {
    const a = Date.now();
    const ps = await execText(leaky, ['ps', '-o', 'stat']);
    truth.push({ t: (a + Date.now()) / 2, n: ps.split('\n').filter((l) => l.startsWith('Z')).length });
    await sleep(800);
  }
  const truthAt = (t: number): number => {
    if (t <= truth[0].t) return truth[0].n;
    for (let i = 1; i < truth.length; i++) {
      if (truth[i].t >= t) {
        const [p, q] = [truth[i - 1], truth[i]];
        return p.n + ((q.n - p.n) * (t - p.t)) / (q.t - p.t);
      }
    }
    return truth.at(-1)!.n;
  };

  const targets = (await (await fetch(`${api}/targets`)).json()) as { data: { activeTargets: Array<{ health: string; lastError: string }> } };
  assert.equal(targets.data.activeTargets[0]?.health, 'up', targets.data.activeTargets[0]?.lastError);
  const rules = (await (await fetch(`${api}/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> } };
  assert.deepEqual(rules.data.groups.flatMap((g) => g.rules.map((r) => `${r.name} ${r.health}`)).sort(),
    ['PidsNearLimit ok', 'StopWillKill ok', 'ZombieAuditSamplerFailing ok', 'ZombiesGrowing ok']);

  // each stored point against the truth while its sample was read: between the sample's start and its end
  // (the sampler's last success and duration, scraped with it)
  const series = async (q: string): Promise<Map<number, number>> => new Map(((await query(q))[0]?.values ?? []).map(([ts, v]) => [ts, Number(v)]));
  const stored = await series(`zombie_audit_zombies{container_name="${leaky}"}[200s]`);
  const ended = await series('zombie_audit_sampler_last_success_timestamp_seconds[200s]');
  const took = await series('zombie_audit_sampler_duration_seconds[200s]');
  assert.ok(stored.size >= 8, `Prometheus stored ${stored.size} points for ${leaky}`);
  const checked = [...stored].filter(([ts]) => ended.has(ts) && took.has(ts) && truthAt((ended.get(ts)! - took.get(ts)!) * 1000) >= 30).slice(-6);
  assert.ok(checked.length >= 3, `points late enough to compare: ${checked.length}`);
  for (const [ts, v] of checked) {
    const end = ended.get(ts)! * 1000;
    const [lo, hi] = [truthAt(end - took.get(ts)! * 1000), truthAt(end)];
    assert.ok(v >= lo * 0.9 && v <= hi * 1.1, `at ${ts}: Prometheus has ${v}, docker exec ps had ${lo.toFixed(1)} to ${hi.toFixed(1)} while the sample was taken (${took.get(ts)!.toFixed(1)} s)`);
  }
  console.log(`compared ${checked.length} stored points with docker exec ps: ${checked.map(([ts, v]) => `${v} vs ${truthAt(ended.get(ts)! * 1000).toFixed(0)} (sample ${took.get(ts)!.toFixed(1)} s)`).join(', ')}`);

  const ok = (await query(`zombie_audit_zombies{container_name="${healthy}"}[60s]`))[0]?.values ?? [];
  assert.ok(ok.length >= 8, `points for ${healthy}: ${ok.length}`);
  assert.deepEqual([...new Set(ok.map(([, v]) => v))], ['0'], 'the healthy container has 0 zombies throughout');

  const slope = Number((await query(`deriv(zombie_audit_zombies{container_name="${leaky}"}[30s])`))[0]?.value?.[1]);
  assert.ok(slope > 0.5 && slope < 4, `deriv over 30 s: ${slope} zombies/s (2 expected)`);
  const flat = Number((await query(`deriv(zombie_audit_zombies{container_name="${healthy}"}[30s])`))[0]?.value?.[1]);
  assert.equal(flat, 0);

  exp.child.kill('SIGTERM');
  prom.child.kill('SIGTERM');
  const [e, p] = await Promise.all([exp.exited, prom.exited]);
  assert.equal(e.code, 0, exp.err());
  assert.ok(p.code === 0 || p.signal === 'SIGTERM', prom.err());
});
