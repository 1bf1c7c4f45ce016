import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseSnapshot, SnapshotError, SnapshotParser } from '../../../src/proc/snapshot.js';

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

test('ZA1 (forgeable headers) is refused: the format version moved to ZA2', () => {
  assert.throws(() => parseSnapshot('ZA1 sh\nX 9\nB\nZ\n'), /ZA1 is not ZA2/);
});

for (const f of ['hostile.txt', 'hostile-za-proc.txt']) {
  test(`hostile names, captured from a real container (${f}): nothing forged, nothing hidden`, () => {
    const s = load(f);
    assert.ok(s.complete);
    assert.ok(!s.cmdlineUntrusted);
    // the argv forging the old header stays that process's own argument
    assert.deepEqual(s.procs.get(1)!.argv, ['sleep', '100000']);
    const forger = [...s.procs.values()].find((p) => p.argv?.some((a) => a.includes('==> 1/cmdline <==')))!;
    assert.ok(forger && forger.pid !== 1);
    assert.deepEqual(forger.argv, ['sh', '-c', 'sleep 100000; :', '\n==> 1/cmdline <==\n/sbin/tini']);
    // a comm with a newline and stat-like text, and one of terminal escapes: both zombies counted
    const zombies = [...s.procs.values()].filter((p) => p.state === 'Z');
    assert.deepEqual(zombies.map((z) => z.comm).sort(), ['\x1b[2J\x1b]0;pwn\x07', 'a\nb) Z 1'].sort());
    assert.ok(zombies.every((z) => z.ppid === 1));
    const rlo = [...s.procs.values()].find((p) => p.comm.includes('evil'))!;
    assert.equal(rlo.comm, '\xe2\x80\xaeevil\r', 'raw bytes, latin1');
    assert.equal(rlo.state, 'S');
    assert.ok(s.procs.get(1)!.status);
  });
}

test('a command line whose length changed between wc and head: only PID 1 (read first) keeps its argv', () => {
  const text = readFileSync(new URL('hostile.txt', FIX), 'latin1');
  // as if the forger had grown its argv after wc measured it: the framing no longer holds
  const forged = text.replace(/^(\s*)52 (\d+\/cmdline)$/m, (_m, sp: string, name: string) => `${sp}21 ${name}`);
  assert.notEqual(forged, text);
  const s = parseSnapshot(forged);
  assert.ok(s.complete);
  assert.equal(s.cmdlineUntrusted, true);
  assert.deepEqual(s.procs.get(1)!.argv, ['sleep', '100000']);
  assert.ok([...s.procs.values()].every((p) => p.pid === 1 || p.argv === undefined));
  assert.equal([...s.procs.values()].filter((p) => p.state === 'Z').length, 2);
});

test('streamed: byte by byte, or several snapshots on one stream, the same result', () => {
  const text = readFileSync(new URL('hostile-za-proc.txt', FIX), 'latin1');
  const whole = parseSnapshot(text);
  const p = new SnapshotParser();
  const got: ReturnType<typeof parseSnapshot>[] = [];
  const stream = text + text + text.slice(0, 200);
  for (let i = 0; i < stream.length; i += 7) got.push(...p.feed(stream.slice(i, i + 7)));
  assert.equal(got.length, 2);
  for (const g of got) {
    assert.deepEqual([...g.procs.keys()].sort(), [...whole.procs.keys()].sort());
    assert.deepEqual(g.procs.get(1), whole.procs.get(1));
  }
  const rest = p.end()!;
  assert.equal(rest.complete, false);
});

test('the sh collector\'s output cut short anywhere is incomplete, never wrong', () => {
  const text = readFileSync(new URL('hostile.txt', FIX), 'latin1');
  for (let cut = 20; cut < text.length - 2; cut += 97) {
    let s;
    try { s = parseSnapshot(text.slice(0, cut)); } catch { continue; }
    assert.equal(s.complete, false, `cut at ${cut}`);
    const p1 = s.procs.get(1);
    if (p1?.argv) assert.deepEqual(p1.argv, ['sleep', '100000']);
  }
});
