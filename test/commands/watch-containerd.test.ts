import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sleep } from '../helpers/engine.js';
import { TestContainerd } from '../src/engine/containerd/ctr.js';

// `zombie-audit watch --runtime containerd`: samples by the node-side host reader.
const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
let cd: TestContainerd;

before(async () => {
  cd = await TestContainerd.up('watch');
  const leaky = await cd.importImage('zombie-audit-fixture/leaky-pid1');
  await cd.runContainer('steady-1', leaky, { namespace: 'jobs', pod: 'etl-5f', container: 'etl' }, ['/app', '--leak-every', '250']);
  await cd.runContainer('doomed-1', leaky, { namespace: 'jobs', pod: 'tmp-1', container: 'tmp' }, ['/app']);
  await sleep(300);
});

after(async () => {
  if (!cd) return;
  try {
    await cd.clean();
    assert.deepEqual(await cd.leftovers(), { containers: [], tasks: [], snapshots: [], images: [] });
  } finally {
    cd.down();
  }
});

const env = () => ({ ...process.env, NO_COLOR: '', CONTAINERD_ADDRESS: cd.sock });

test('watch: a steady leak grows sample by sample, with its parent and rate (NDJSON)', () => {
  const r = spawnSync(process.execPath, [BIN, 'watch', 'jobs/etl-5f/etl', '--runtime', 'containerd', '--count', '4', '--interval', '1.5'],
    { encoding: 'utf8', timeout: 120_000, env: env() });
  assert.equal(r.status, 0, r.stderr);
  const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(recs.length, 4);
  assert.ok(recs.every((x) => x.container === 'jobs/etl-5f/etl'));
  const z = recs.map((x) => x.zombies);
  assert.ok(z[3] > z[0], `growing: ${z.join(' ')}`);
  assert.ok(recs[3].perMinute > 30, `a zombie every 250 ms is about 240/min: ${recs[3].perMinute}`);
  assert.deepEqual([recs[3].parents[0].ppid, recs[3].parents[0].name], [1, 'app']);
  assert.ok(recs[3].secondsToLimit > 0);
});

test('watch: --max-zombies exits 1 at the first breach', () => {
  const r = spawnSync(process.execPath, [BIN, 'watch', 'jobs/etl-5f/etl', '--runtime', 'containerd', '--max-zombies', '1', '--count', '5'],
    { encoding: 'utf8', timeout: 120_000, env: env() });
  assert.equal(r.status, 1, r.stderr);
  assert.match(JSON.parse(r.stdout.trim().split('\n')[0]).breach, /zombies > --max-zombies 1/);
});

test('watch: the task killed mid-watch ends it with exit 2 and a last event', async () => {
  const child = spawn(process.execPath, [BIN, 'watch', 'jobs/tmp-1/tmp', '--runtime', 'containerd', '--interval', '1', '--duration', '90'], { env: env() });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  const done = new Promise<number | null>((r) => child.on('close', r));
  for (let i = 0; i < 100 && !out.includes('"sample":1'); i++) await sleep(200);
  assert.match(out, /"sample":1/, err);
  await cd.ctr(['task', 'kill', '--signal', 'SIGKILL', 'doomed-1']);
  const code = await done;
  assert.equal(code, 2, err);
  const last = JSON.parse(out.trim().split('\n').at(-1)!);
  assert.equal(last.end, true);
  assert.match(last.event, /^jobs\/tmp-1\/tmp stopped/);
});
