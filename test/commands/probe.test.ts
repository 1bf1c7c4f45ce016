import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { engine, removeAll, runId, start } from '../helpers/engine.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const run = runId('cli-probe');
let leaky = '';
let tini = '';
const za = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

before(async () => {
  [leaky, tini] = await Promise.all([start(run, { image: 'zombie-audit-fixture/leaky-pid1' }), start(run, { image: 'zombie-audit-fixture/tini' })]);
  await new Promise((r) => setTimeout(r, 300));
});
after(async () => { await removeAll(run); engine.close(); });

test('probe --json: zombieProbe and termProbe with the documented fields; exit 1 on findings', () => {
  const r = za(['probe', leaky, '--json']);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.schema, 'zombie-audit/probe@1');
  assert.equal(j.zombieProbe.reaped, false);
  assert.equal(typeof j.zombieProbe.watchedMs, 'number');
  assert.equal(j.termProbe.verdict, 'ignored');
  assert.equal(j.termProbe.method, 'live-safe');
  assert.equal(typeof j.termProbe.seconds, 'number');
  const t = JSON.parse(za(['probe', tini, '--json']).out);
  assert.equal(t.zombieProbe.reaped, true);
  assert.equal(typeof t.zombieProbe.ms, 'number');
  assert.deepEqual([t.termProbe.verdict, t.termProbe.method, t.termProbe.exitCode], ['graceful', 'sandbox', 0]);
});

test('probe: human report and usage errors', () => {
  const r = za(['probe', tini]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /PID 1 reaps orphans \(in \d+ ms/);
  assert.match(r.out, /stops gracefully in \d\.\d s \(exit 0\)/);
  assert.match(r.out, /Leaves     nothing/);
  assert.equal(za(['probe']).code, 2);
  assert.equal(za(['probe', tini, '--signal', 'KILL']).code, 2);
  assert.equal(za(['probe', tini, '--live']).code, 2);
  assert.equal(za(['probe', tini + 'zz']).code, 2);
});
