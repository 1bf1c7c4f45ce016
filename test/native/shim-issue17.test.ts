import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { execText, removeAll, runId, sleep, until } from '../helpers/engine.js';
import { SHIM_IN, logs, procs, ptyRun, rawLogs, ready, run, scripts, waitExit, kill } from './harness.js';

/**
 * The five faults of issue 17, each in real containers from zombie-audit-fixture/base (and, for
 * Ctrl-C, a real pseudo-terminal through `docker run -it`). Each test failed with the shim built
 * from the commit before the fix (ZA_SHIM=<old build> node --test ...) and passes after it.
 */
const label = runId('shim17');
const T = scripts({
  // bug 2: -v with stderr closed by `head`; the shim is not PID 1 (under busybox timeout)
  'pipe.sh': `read -r t0 _ < /proc/uptime
{ timeout -s KILL 15 "$1" -v -- sh -c 'sleep 0.5; (true &); sleep 1; exit 5' 2>&1 >/dev/null; echo "rc=$?" > /tmp/rc; } | head -n1 >/dev/null
read -r t1 _ < /proc/uptime
echo "result $(cat /tmp/rc) t0=$t0 t1=$t1"
exec sleep 1000`,
  // bug 3: a grandchild that ignores TERM, left behind when the child exits (shim not PID 1)
  'tree.sh': `"$1" -t 1 -- sh -c 'sh -c "trap \\"\\" TERM; sleep 31 & wait" & sleep 0.3; exit 0'
echo "shim-exit=$?"
exec sleep 1000`,
  // bug 4, not PID 1: the shim in the background, its pid in /tmp/shim.pid
  'fault.sh': `"$1" -- sleep 1001 &
echo $! > /tmp/shim.pid
echo started
wait $!
echo "shim-exit=$?"
exec sleep 1000`,
  // bug 5: a readiness pipe on fd 3 that the child closes at once and then runs 3 s
  'ready.sh': `read -r t0 _ < /proc/uptime
{ "$1" -- sh -c 'echo ready >&3; exec 3>&-; exec sleep 3' 3>&1 >/dev/null 2>&1; } | { read -r line; cat; read -r t1 _ < /proc/uptime; echo "got=$line t0=$t0 t1=$t1"; }
exec sleep 1000`,
  'fds.sh': `exec 5</dev/null 7</dev/null
exec "$1" -- sh -c 'echo "child-fds: $(ls /proc/$$/fd | tr "\\n" " ")"; exec sleep 1000'`,
});

after(async () => { await removeAll(label); rmSync(T, { recursive: true, force: true }); });

const num = (s: string, k: string) => Number(new RegExp(`${k}=([0-9.]+)`).exec(s)?.[1] ?? NaN);

test('bug 1: Ctrl-C on a terminal (docker run -it, a real pty) reaches the child once, from the terminal', async () => {
  const out = await ptyRun(label, ['zombie-audit-fixture/base', SHIM_IN, '-v', '--', 'sh', '-c', 'trap "echo GOT-INT" INT; echo up; while :; do sleep 1; done'], 'up', '\x03', 2500);
  assert.equal((out.match(/GOT-INT/g) ?? []).length, 1, `one SIGINT: ${out}`);
  assert.doesNotMatch(out, /forwarded SIGINT/, 'the shim got no SIGINT of its own to forward (it is not in the foreground group)');
  // and why: the child leads its own group, which is the terminal's foreground group
  const id = await run(label, [SHIM_IN, '--'], ['sh', '-c', 'echo up; exec sleep 1000'], { tty: true });
  assert.ok(await until(async () => (await rawLogs(id)).includes('up'), 8000));
  const child = (await procs(id)).find((p) => p.name === 'sleep')!;
  assert.equal(child.pgrp, child.pid, 'the child leads a group of its own');
  assert.equal(child.tpgid, child.pgrp, 'which is the foreground group of the terminal');
  assert.notEqual((await procs(id)).find((p) => p.pid === 1)!.pgrp, child.pgrp, 'the shim is not in it');
});

test('bug 2: -v with a closed stderr neither spins nor kills the child: it exits with the child\'s status', async () => {
  const id = await run(label, ['sh', '/t/pipe.sh'], [SHIM_IN], { scriptsDir: T });
  assert.ok(await ready(id, 'result', 25_000), await logs(id));
  const out = await logs(id);
  assert.match(out, /result rc=5 /, `the child ran to its end and the shim passed on its code: ${out}`);
  const took = num(out, 't1') - num(out, 't0');
  assert.ok(took < 8, `took ${took} s (spinning would have run until the 15 s KILL)`);
});

test('bug 3: not PID 1, cleanup kills the whole remaining tree, grandchildren ignoring TERM included', async () => {
  const id = await run(label, ['/sbin/tini', '--', 'sh', '/t/tree.sh'], [SHIM_IN], { scriptsDir: T });
  assert.ok(await ready(id, 'shim-exit=', 20_000), await logs(id));
  assert.match(await logs(id), /shim-exit=0/);
  const left = (await procs(id)).filter((p) => p.args.startsWith('sleep 31'));
  assert.deepEqual(left, [], 'no process of the shim\'s tree outlives it (it would be re-parented to PID 1)');
});

const FAULTS = [['ILL', 4], ['TRAP', 5], ['ABRT', 6], ['BUS', 7], ['FPE', 8], ['SEGV', 11], ['SYS', 31]] as const;

test('bug 4: fault-numbered signals sent with kill are forwarded (PID 1: docker kill -s SIG)', async () => {
  const ids = await Promise.all(FAULTS.map(() => run(label, [SHIM_IN, '--'], ['sleep', '1000'])));
  await sleep(500);
  await Promise.all(FAULTS.map(([s], i) => kill(ids[i], `SIG${s}`)));
  const codes = await Promise.all(ids.map((id) => waitExit(id, 10_000)));
  assert.deepEqual(codes, FAULTS.map(([, n]) => 128 + n), 'the child died of each signal and the shim exited 128+n');
});

test('bug 4: not PID 1, kill -SIG <shim> reaches the child instead of killing the shim alone', async () => {
  const ids = await Promise.all(FAULTS.map(() => run(label, ['/sbin/tini', '--', 'sh', '/t/fault.sh'], [SHIM_IN], { scriptsDir: T })));
  await Promise.all(ids.map((id) => ready(id, 'started')));
  await sleep(300);
  await Promise.all(FAULTS.map(([s], i) => execText(ids[i], ['sh', '-c', `kill -${s} $(cat /tmp/shim.pid)`])));
  for (const [i, [s, n]] of FAULTS.entries()) {
    assert.ok(await ready(ids[i], 'shim-exit=', 10_000), `${s}: ${await logs(ids[i])}`);
    assert.match(await logs(ids[i]), new RegExp(`shim-exit=${128 + n}`), s);
    assert.deepEqual((await procs(ids[i])).filter((p) => p.args.startsWith('sleep 1001')), [], `${s}: the child is gone too`);
  }
});

test('bug 5: the shim moves to / and keeps no inherited fd; the child keeps its cwd and gets every fd', async () => {
  const id = await run(label, [SHIM_IN, '--'], ['sh', '-c', 'echo "cwd=$(pwd)"; exec sleep 1000'], { workdir: '/tmp' });
  assert.ok(await ready(id, 'cwd='));
  assert.match(await logs(id), /cwd=\/tmp/, 'the child runs where the image says');
  assert.equal((await execText(id, ['readlink', '/proc/1/cwd'])).trim(), '/', 'the shim pins no directory');

  const fds = await run(label, ['/sbin/tini', '--', 'sh', '/t/fds.sh'], [SHIM_IN], { scriptsDir: T });
  assert.ok(await ready(fds, 'child-fds:'));
  assert.match(await logs(fds), /child-fds: 0 1 2 (\d+ )*5 (\d+ )*7 /, 'the child got fds 5 and 7');
  const shim = (await procs(fds)).find((p) => p.args.startsWith(SHIM_IN))!;
  assert.equal((await execText(fds, ['ls', `/proc/${shim.pid}/fd`])).split('\n').filter(Boolean).join(' '), '0 1 2', 'the shim holds 0, 1 and 2 only');

  const pipe = await run(label, ['sh', '/t/ready.sh'], [SHIM_IN], { scriptsDir: T });
  assert.ok(await ready(pipe, 'got=', 15_000));
  const out = await logs(pipe);
  assert.match(out, /got=ready/);
  const eof = num(out, 't1') - num(out, 't0');
  assert.ok(eof < 2, `the readiness pipe saw EOF ${eof} s after start, when the child closed it (not 3 s later, when the shim exits)`);
});
