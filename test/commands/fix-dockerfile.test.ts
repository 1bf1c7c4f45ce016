import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { probe } from '../../src/probe/probe.js';
import { engine, removeAll, runId, start } from '../helpers/engine.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const run = runId('fixdf');
const tag = `zombie-audit-test/${run}:patched`;
const za = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, 'fix', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
after(async () => {
  await removeAll(run);
  await engine.request('DELETE', `/images/${encodeURIComponent(tag)}`, { query: { force: 1 } });
  engine.close();
});

test('--dockerfile --write: the shim copied in, exec form, a backup; the built image reaps and stops gracefully', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-fixdf-'));
  const df = join(dir, 'Dockerfile');
  writeFileSync(df, 'FROM zombie-audit-fixture/base\nCMD /app --term\n');
  const before = za(['--dockerfile', df]);
  assert.equal(before.code, 0);
  assert.match(before.out, /\+ENTRYPOINT \["\/za-shim", "--"\]/);
  assert.match(before.out, /\+CMD \["\/app", "--term"\]/);
  assert.equal(readFileSync(df, 'utf8'), 'FROM zombie-audit-fixture/base\nCMD /app --term\n', 'nothing written without --write');
  const w = za(['--dockerfile', df, '--write']);
  assert.equal(w.code, 0, w.err);
  assert.ok(existsSync(join(dir, 'za-shim')));
  assert.equal(readFileSync(`${df}.zombie-audit.bak`, 'utf8'), 'FROM zombie-audit-fixture/base\nCMD /app --term\n');
  assert.match(w.out, /lint after the change: no warning or error/);
  const b = spawnSync('docker', ['build', '-q', '-t', tag, dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  assert.equal(b.status, 0, b.stderr);
  const c = await start(run, { image: tag });
  await new Promise((r) => setTimeout(r, 300));
  const p = await probe(engine, c, { signals: [], zombieTimeoutMs: 1000, live: false, leaveStopped: false, settleMs: 500, skipZombie: false, skipTerm: false });
  assert.equal(p.pid1.init, 'zombie-audit-shim');
  assert.equal(p.zombieProbe!.reaped, true);
  assert.equal(p.termProbe!.verdict, 'graceful');
  assert.equal(p.termProbe!.exitCode, 0);
  // a second run has nothing to do
  const again = za(['--dockerfile', df]);
  assert.match(again.out, /nothing to change/);
});

test('several commands keep the shell form, with the reason; a package manager gives tini', () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-fixdf-'));
  const df = join(dir, 'Dockerfile');
  writeFileSync(df, 'FROM debian:bookworm-slim\nCMD ./migrate && ./server\n');
  const r = za(['--dockerfile', df, '--json']);
  const j = JSON.parse(r.out);
  assert.equal(j.changed, true);
  assert.match(j.diff, /\+RUN apt-get update && apt-get install -y --no-install-recommends tini/);
  assert.match(j.diff, /\+ENTRYPOINT \["tini", "--"\]/);
  assert.ok(j.notes.some((n: string) => /keeps the shell form/.test(n)));
  assert.equal(za(['--dockerfile', join(dir, 'missing')]).code, 2);
  assert.equal(za(['--dockerfile', df, 'some-container']).code, 2);
});
