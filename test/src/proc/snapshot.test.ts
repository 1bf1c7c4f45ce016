import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseSnapshot, SnapshotError } from '../../../src/proc/snapshot.js';

const FIX = new URL('../../../../test/fixtures/proc/', import.meta.url);
const load = (f: string) => parseSnapshot(readFileSync(new URL(f, FIX), 'latin1'));

test('every captured snapshot is complete and has PID 1 with its status', () => {
  for (const f of readdirSync(FIX).filter((n) => n.endsWith('.txt') && n !== 'host.txt')) {
    const s = load(f);
    assert.ok(s.complete, f);
    const p1 = s.procs.get(1);
    assert.ok(p1?.status, `${f}: PID 1 status`);
    assert.ok(p1?.argv && p1.argv.length > 0, `${f}: PID 1 argv`);
    assert.ok(!s.procs.has(s.selfPid ?? -1), `${f}: the collector is left out`);
  }
});

test('the sh collector: uptime, pid_max, pids cgroup, cmdlines, zombies without argv', () => {
  const s = load('init-app-leaks.txt');
  assert.equal(s.collector, 'sh');
  assert.equal(s.pidMax, 4194304);
  assert.deepEqual(s.pids, { max: undefined, current: 7, cgroup: 'v1' });
  assert.ok(s.uptime! > 0);
  assert.deepEqual(s.procs.get(1)!.argv, ['/sbin/tini', '--', '/app', '--leak', '4']);
  assert.deepEqual(s.procs.get(7)!.argv, ['/app', '--leak', '4']);
  const zombies = [...s.procs.values()].filter((p) => p.state === 'Z');
  assert.equal(zombies.length, 4);
  assert.ok(zombies.every((z) => z.ppid === 7 && z.argv === undefined));
  // the zombies' parent has its status read too
  assert.ok(s.procs.get(7)!.status);
  assert.equal(s.procs.get(1)!.wchan, 'do_sigtimedwait.isra.0');
  assert.equal(s.procs.get(1)!.syscall, 128);
});

test('signal masks come out as bit sets', () => {
  const s = load('dumb-init.txt');
  assert.equal(s.procs.get(1)!.status!.sigCgt, 0x7ffbfeffn);
  const sh = load('shell-pid1.txt').procs.get(1)!.status!;
  assert.equal(sh.sigCgt, 0x10002n);
  assert.equal(sh.sigIgn, 0x4n);
});

test('the za-proc collector gives the same shape (no shell in the image)', () => {
  const s = load('helper-no-shell.txt');
  assert.equal(s.collector, 'za-proc');
  assert.deepEqual(s.procs.get(1)!.argv, ['/app', '--leak', '3']);
  assert.equal([...s.procs.values()].filter((p) => p.state === 'Z').length, 3);
});

test('host mode carries NSpid, container ids and pid namespaces', () => {
  const s = load('host.txt');
  const inContainers = [...s.procs.values()].filter((p) => p.host?.container);
  assert.ok(inContainers.length > 0);
  assert.ok(inContainers.every((p) => /^[0-9a-f]{64}$/.test(p.host!.container!)));
  assert.ok(inContainers.every((p) => /^\d+$/.test(p.host!.pidns!)));
  assert.ok(inContainers.some((p) => p.host!.nspid.length === 2 && p.host!.nspid[1] === 1));
});

test('a cut-short snapshot is marked incomplete; garbage is refused', () => {
  const text = readFileSync(new URL('tini.txt', FIX), 'latin1');
  assert.equal(parseSnapshot(text.slice(0, text.indexOf('\nB\n'))).complete, false);
  assert.throws(() => parseSnapshot('OCI runtime exec failed'), SnapshotError);
});

test('a cmdline holding newlines and header-like text stays one argv', () => {
  const text = 'ZA1 sh\nX 9\nS 1 (a) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0\nB\n==> 1/cmdline <==\napp\0line1\nline2\0==> x <==\0\n==> /dev/null <==\n\nZ\n';
  const s = parseSnapshot(text);
  assert.deepEqual(s.procs.get(1)!.argv, ['app', 'line1\nline2', '==> x <==']);
});
