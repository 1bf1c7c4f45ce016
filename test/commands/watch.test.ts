import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { engine, removeAll, runId, start, sleep } from '../helpers/engine.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const run = runId('watch');
const za = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, lines: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)), err: r.stderr };
};
after(async () => { await removeAll(run); engine.close(); });

test('a leak of one zombie per 200 ms: rate 300/min within 15%, projection to pids.max within 20%', async () => {
  const c = await start(run, { image: 'zombie-audit-fixture/steady-leak', pidsLimit: 600 });
  await sleep(500);
  const r = za(['watch', c, '--interval', '0.5', '--count', '8']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.lines.length, 8, 'one JSON object per sample');
  const last = r.lines.at(-1);
  assert.ok(Math.abs(last.perMinute - 300) < 45, `rate ${last.perMinute}`);
  assert.equal(last.parents[0].ppid, 1);
  assert.equal(last.limit.source, 'pids.max');
  const expected = ((600 - last.pids.current) / 300) * 60;
  assert.ok(Math.abs(last.secondsToLimit - expected) < expected * 0.2, `projection ${last.secondsToLimit} s, expected about ${expected.toFixed(0)} s`);
});

test('a stable count shows a flat rate and no projection', async () => {
  const c = await start(run, { image: 'zombie-audit-fixture/leaky-pid1' });
  await sleep(500);
  const r = za(['watch', c, '--interval', '0.3', '--count', '5', '--collector', 'exec']);
  const last = r.lines.at(-1);
  assert.equal(last.zombies, 5);
  assert.ok(Math.abs(last.perMinute) < 1, String(last.perMinute));
  assert.equal(last.secondsToLimit, undefined);
});

test('--max-zombies: exit 1 the first time it is passed, with the evidence', async () => {
  const c = await start(run, { image: 'zombie-audit-fixture/steady-leak' });
  await sleep(300);
  const r = za(['watch', c, '--interval', '0.3', '--max-zombies', '6', '--duration', '20s']);
  assert.equal(r.code, 1);
  assert.match(r.lines.at(-1).breach, /zombies > --max-zombies 6/);
  assert.ok(r.lines.length < 20);
});

test('a parent that exits: its zombies handed to PID 1 is reported', async () => {
  const c = await start(run, { image: 'zombie-audit-fixture/base', cmd: ['sh', '-c', '/app --leak 3 & sleep 4; kill -9 $!; exec sleep 100000'] });
  const r = za(['watch', c, '--interval', '0.25', '--count', '28']); // the parent dies 4 s in: the watch has started by then, even on a loaded machine
  const events = r.lines.flatMap((l) => l.events ?? []);
  assert.ok(events.some((e: string) => /^pid \d+ \(app\) exited: its 3 zombies went to PID 1/.test(e)), JSON.stringify(events));
});

test('the container stopping mid-watch ends it cleanly (exit 2); --follow picks up its restart', async () => {
  const c = await start(run, { image: 'zombie-audit-fixture/leaky-pid1' });
  await sleep(300);
  const p = spawn(process.execPath, [BIN, 'watch', c, '--interval', '0.3', '--duration', '30s'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => p.on('exit', r));
  await sleep(1200);
  await engine.request('POST', `/containers/${c}/kill`, { query: { signal: 'SIGKILL' } });
  assert.equal(await exited, 2);
  assert.match(out.trim().split('\n').at(-1)!, /"end":true/);

  const f = spawn(process.execPath, [BIN, 'watch', c, '--interval', '0.3', '--count', '4', '--follow'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let fout = '';
  f.stdout.on('data', (d) => { fout += d; });
  const fexit = new Promise<number | null>((r) => f.on('exit', r));
  // start it again only once the watch waits for it (a loaded machine starts node slowly)
  for (let i = 0; i < 100 && !/waiting for a container named/.test(fout); i++) await sleep(200);
  assert.match(fout, /waiting for a container named/);
  await engine.request('POST', `/containers/${c}/start`);
  assert.equal(await fexit, 0);
  assert.match(fout, /following .* again/);
});

test('watch --all: one helper for the host, a series per container', async () => {
  const own = runId('watch-all');
  try {
    const leak = await start(own, { image: 'zombie-audit-fixture/steady-leak' });
    const stable = await start(own, { image: 'zombie-audit-fixture/leaky-pid1' });
    await sleep(400);
    const r = za(['watch', '--all', '--filter', `label=zombie-audit.test=${own}`, '--interval', '0.5', '--count', '8']);
    assert.equal(r.code, 0, r.err);
    const last = r.lines.at(-1);
    assert.deepEqual(last.containers.map((c: { container: string }) => c.container), [leak, stable], 'the leaking one first');
    assert.ok(Math.abs(last.containers[0].perMinute - 300) < 45, String(last.containers[0].perMinute));
    assert.equal(last.containers[1].zombies, 5);
    assert.ok(Math.abs(last.containers[1].perMinute) < 1);
    assert.equal(za(['watch', '--all', stable]).code, 2);
  } finally {
    await removeAll(own);
  }
});
