import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { engine, execText, removeAll, runId, sleep, until } from '../helpers/engine.js';
import { INIT_PATH, INITS, kill, logs, procs, ptyRun, rawLogs, ready, run, running, scripts, waitExit, zombies } from './harness.js';

/**
 * The behaviours that tini's inner and smoke tests, dumb-init's pytest suite and catatonit's
 * documentation check, written anew as this project's tests and run in one pass against za-shim
 * and, as the control, Debian's tini 0.19 (static), dumb-init 1.2.5 and catatonit 0.1.7 in
 * containers from zombie-audit-fixture/base. Each behaviour states what each init is expected to
 * do: true (has it), false (does the other thing, checked all the same), or 'lacks' (no such
 * feature: not run). A control that does not do what is expected of it fails the test too, so
 * the check itself is shown to tell the two apart. The table is printed at the end.
 */
const label = runId('peers');
type Init = 'za-shim' | 'tini' | 'dumb-init' | 'catatonit';
type Expect = boolean | 'lacks';
const table: Array<{ name: string; from: string; cells: Record<string, string> }> = [];

const T = scripts({
  // exit codes, not PID 1: "$@" is the init and its flags
  'codes.sh': `for n in 0 1 7 100 255; do "$@" sh -c "exit $n"; echo "exit $n -> $?"; done
"$@" sh -c 'kill -TERM $$'; echo "TERM -> $?"
"$@" sh -c 'kill -KILL $$'; echo "KILL -> $?"
echo DONE`,
  'remap.sh': `"$1" -e 3 -- sh -c 'exit 3'; echo "e3/3 -> $?"
"$1" -e 4 -e 5 -- sh -c 'exit 3'; echo "e45/3 -> $?"
"$1" -e 143 -- sh -c 'kill -TERM $$'; echo "e143/TERM -> $?"
echo DONE`,
  // -w: warn whenever a zombie is reaped (the init is PID 1 here)
  'orphans.sh': `(sleep 0.2 &); (sleep 0.2 &); sleep 1.5; echo DONE; exec sleep 1000`,
  // parent death signal: the init's parent exits; the signal reaches the child
  'pdeath.sh': `sh -c '"$0" -p SIGUSR1 -- sh -c "trap \\"echo got-USR1; exit 0\\" USR1; echo child-up; while :; do sleep 0.05; done" & sleep 1; exit 0' "$1"
exec sleep 1000`,
  // not PID 1: does an orphan of the child's get the init as its parent?
  'subreaper.sh': `"$@" sh -c '(sleep 30 &); echo up; exec sleep 1000' &
echo "init=$!"
exec sleep 1000`,
  // not PID 1: the init in the background, its pid in /tmp/init.pid
  'bg.sh': `"$@" sleep 1000 &
echo $! > /tmp/init.pid
echo started
exec sleep 1000`,
  'fds.sh': `exec 5</dev/null 7</dev/null
exec "$@" sh -c 'echo "child-fds: $(ls /proc/$$/fd | tr "\\n" " ")"; echo "LISTEN_PID=$LISTEN_PID self=$$"; exec sleep 1000'`,
  'left.sh': `"$@" sh -c '(trap "echo bg-got-TERM; exit 0" TERM; while :; do sleep 0.05; done) & sleep 1; exit 3'
echo "init-exit=$?"
sleep 2
echo DONE
exec sleep 1000`,
  'lp.sh': `export LISTEN_PID=$$ LISTEN_FDS=1
exec "$@" sh -c 'echo "LISTEN_PID=$LISTEN_PID self=$$"; exec sleep 1000'`,
});

after(async () => {
  await removeAll(label);
  rmSync(T, { recursive: true, force: true });
  const head = `| behaviour | from | ${INITS.join(' | ')} |\n|---|---|${INITS.map(() => '---').join('|')}|`;
  console.log(`\n${head}\n${table.map((r) => `| ${r.name} | ${r.from} | ${INITS.map((i) => r.cells[i]).join(' | ')} |`).join('\n')}\n`);
  engine.close();
});

const P = (i: Init) => INIT_PATH[i];
/** the init has started its child (so it has set up its signal handling): `sleep 1000` runs */
const childUp = (id: string) => until(async () => (await procs(id)).some((p) => p.args === 'sleep 1000'), 15_000);

/**
 * Run `check` for every init that has the behaviour (in parallel), and compare what it observed
 * with what is expected of that init.
 */
async function behaviour(name: string, from: string, expect: Record<Init, Expect>, check: (init: Init) => Promise<boolean>): Promise<void> {
  const cells: Record<string, string> = {};
  const wrong: string[] = [];
  await Promise.all((INITS as Init[]).map(async (init) => {
    if (expect[init] === 'lacks') { cells[init] = 'n/a (lacks it)'; return; }
    let seen: boolean;
    try { seen = await check(init); } catch (e) { seen = false; cells[init] = `error: ${(e as Error).message.slice(0, 80)}`; }
    cells[init] ??= seen === expect[init] ? (seen ? 'yes' : 'no (as expected)') : `WRONG: ${seen ? 'yes' : 'no'}`;
    if (seen !== expect[init]) wrong.push(`${init}: expected ${expect[init]}, saw ${seen} (${cells[init]})`);
  }));
  table.push({ name, from, cells });
  assert.deepEqual(wrong, [], name);
}

const ALL: Record<Init, Expect> = { 'za-shim': true, tini: true, 'dumb-init': true, catatonit: true };
const withArgs = (i: Init, ...flags: string[]) => [P(i), ...flags, '--'];

test('exit status: the child\'s code, 128+n for a death by signal n (tini, dumb-init exit_status_test)', () =>
  behaviour('exit code passed on; 128+n on signal', 'tini, dumb-init', ALL, async (i) => {
    const id = await run(label, ['sh', '/t/codes.sh', ...withArgs(i)], [], { scriptsDir: T });
    if (!(await ready(id, 'DONE', 20_000))) return false;
    const out = await logs(id);
    return [0, 1, 7, 100, 255].every((n) => out.includes(`exit ${n} -> ${n}`)) && out.includes('TERM -> 143') && out.includes('KILL -> 137');
  }));

test('-e CODE maps an expected exit status to 0 (tini)', () =>
  behaviour('-e CODE: status CODE becomes 0', 'tini', { 'za-shim': true, tini: true, 'dumb-init': 'lacks', catatonit: 'lacks' }, async (i) => {
    const id = await run(label, ['sh', '/t/remap.sh', P(i)], [], { scriptsDir: T });
    if (!(await ready(id, 'DONE', 15_000))) return false;
    const out = await logs(id);
    return out.includes('e3/3 -> 0') && out.includes('e45/3 -> 3') && out.includes('e143/TERM -> 0');
  }));

const NORMAL = ['HUP', 'INT', 'QUIT', 'USR1', 'USR2', 'PIPE', 'ALRM', 'TERM', 'CONT', 'WINCH', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'IO', 'PWR'];
const TRAPS = `${NORMAL.map((s) => `trap "echo got-${s}" ${s}`).join('; ')}; echo up; while :; do sleep 0.05; done`;

test('PID 1 forwards every catchable signal to the child (dumb-init proxies_signals_test, tini signals test)', () =>
  behaviour('17 normal signals reach the child', 'tini, dumb-init', ALL, async (i) => {
    const id = await run(label, withArgs(i, ...(i === 'dumb-init' ? ['-c'] : [])), ['sh', '-c', TRAPS]);
    if (!(await ready(id, 'up'))) return false;
    for (const s of NORMAL) { await kill(id, `SIG${s}`); await sleep(30); }
    return until(async () => { const out = await logs(id); return NORMAL.every((s) => out.includes(`got-${s}`)); }, 8000);
  }));

test('TERM, USR1, USR2 to PID 1: the child dies of it and the container exits 128+n (tini signals test)', () =>
  behaviour('TERM/USR1/USR2 kill the child: exit 128+n', 'tini', ALL, async (i) => {
    const sigs = [['TERM', 15], ['USR1', 10], ['USR2', 12]] as const;
    const ids = await Promise.all(sigs.map(() => run(label, withArgs(i), ['sleep', '1000'])));
    await Promise.all(ids.map(childUp));
    await Promise.all(sigs.map(([s], k) => kill(ids[k], `SIG${s}`)));
    const codes = await Promise.all(ids.map((id) => waitExit(id, 15_000)));
    return codes.every((c, k) => c === 128 + sigs[k][1]);
  }));

test('fault-numbered signals sent with docker kill reach the child (dumb-init forwards them; tini and catatonit leave them to the kernel)', () =>
  behaviour('kill -ABRT/SEGV/BUS/SYS forwarded', 'dumb-init', { 'za-shim': true, tini: false, 'dumb-init': true, catatonit: false }, async (i) => {
    const sigs = [['ABRT', 6], ['SEGV', 11], ['BUS', 7], ['SYS', 31]] as const;
    const ids = await Promise.all(sigs.map(() => run(label, withArgs(i), ['sleep', '1000'])));
    await Promise.all(ids.map(childUp));
    await Promise.all(sigs.map(([s], k) => kill(ids[k], `SIG${s}`)));
    const codes = await Promise.all(ids.map((id) => waitExit(id, 15_000)));
    if (codes.every((c, k) => c === 128 + sigs[k][1])) return true;
    if (codes.every((c) => c === null)) return false; // all dropped: the containers still run
    throw new Error(`mixed: ${codes.join(',')}`);
  }));

test('PID 1 reaps every orphan: no zombie after 100 (tini reaping test)', () =>
  behaviour('orphans reaped (100)', 'tini, dumb-init, catatonit', ALL, async (i) => {
    const id = await run(label, withArgs(i), ['sleep', '1000']);
    await sleep(500);
    await execText(id, ['sh', '-c', 'i=0; while [ $i -lt 100 ]; do (true &); i=$((i+1)); done']);
    return until(async () => (await zombies(id)) === 0, 8000);
  }));

test('-w warns on stderr for every zombie it reaps (tini reaping display test)', () =>
  behaviour('-w: "reaped zombie process with pid="', 'tini', { 'za-shim': true, tini: true, 'dumb-init': 'lacks', catatonit: 'lacks' }, async (i) => {
    const quiet = await run(label, withArgs(i), ['sh', '/t/orphans.sh'], { scriptsDir: T });
    const loud = await run(label, withArgs(i, '-w'), ['sh', '/t/orphans.sh'], { scriptsDir: T });
    if (!(await ready(quiet, 'DONE')) || !(await ready(loud, 'DONE'))) return false;
    const re = /reaped zombie process with pid=\d+/i;
    return !re.test(await logs(quiet)) && (await logs(loud)).match(new RegExp(re, 'gi'))!.length >= 2;
  }));

const PGROUP = ['sh', '-c', 'sh -c "echo up; exec sleep 1000" & trap "" USR1; wait; echo waited'];

test('-g / TINI_KILL_PROCESS_GROUP: a signal reaches the child\'s whole group (tini process group test; dumb-init setsid mode)', () =>
  behaviour('group signalling: grandchild gets USR1', 'tini, dumb-init, catatonit', ALL, async (i) => {
    const flag = i === 'dumb-init' ? [] : ['-g'];
    const ids = [await run(label, withArgs(i, ...flag), PGROUP)];
    if (i === 'za-shim' || i === 'tini') ids.push(await run(label, withArgs(i), PGROUP, { env: ['TINI_KILL_PROCESS_GROUP=1'] }));
    for (const id of ids) if (!(await ready(id, 'up')) || !(await childUp(id))) return false;
    await sleep(300);
    for (const id of ids) await kill(id, 'SIGUSR1');
    const codes = await Promise.all(ids.map((id) => waitExit(id, 15_000)));
    if (codes.some((c) => c === null) && !codes.every((c) => c === null)) throw new Error(`mixed: ${codes.join(',')}`);
    return codes.every((c) => c !== null);
  }));

test('without -g only the child is signalled: the grandchild survives USR1 (dumb-init --single-child)', () =>
  behaviour('no group flag: only the child gets USR1', 'tini, dumb-init, catatonit', ALL, async (i) => {
    const id = await run(label, withArgs(i, ...(i === 'dumb-init' ? ['-c'] : [])), PGROUP);
    if (!(await ready(id, 'up'))) return false;
    await sleep(300);
    await kill(id, 'SIGUSR1');
    await sleep(1500);
    return (await running(id)) && (await procs(id)).some((p) => p.args === 'sleep 1000');
  }));

test('-p SIG: the init gets SIG when its parent dies and forwards it (tini parent death signal test)', () =>
  behaviour('-p SIGUSR1: parent death reaches the child', 'tini', { 'za-shim': true, tini: true, 'dumb-init': 'lacks', catatonit: 'lacks' }, async (i) => {
    const id = await run(label, ['/sbin/tini', '--', 'sh', '/t/pdeath.sh', P(i)], [], { scriptsDir: T });
    return ready(id, 'got-USR1', 8000);
  }));

test('not PID 1: a subreaper adopts the child\'s orphans (tini -s, catatonit always; dumb-init is none)', () =>
  behaviour('not PID 1: orphans adopted (subreaper)', 'tini, catatonit', { 'za-shim': true, tini: true, 'dumb-init': false, catatonit: true }, async (i) => {
    const id = await run(label, ['sh', '/t/subreaper.sh', ...withArgs(i, ...(i === 'tini' ? ['-s'] : []))], [], { scriptsDir: T });
    if (!(await ready(id, 'up'))) return false;
    const initPid = Number(/init=(\d+)/.exec(await logs(id))![1]);
    await sleep(300);
    const orphan = (await procs(id)).find((p) => p.args === 'sleep 30');
    if (!orphan) throw new Error('no orphan seen');
    return orphan.ppid === initPid;
  }));

test('Ctrl-C on a terminal (docker run -it, a real pty) reaches the child exactly once (dumb-init tty_test)', () =>
  behaviour('Ctrl-C on a tty: one SIGINT', 'tini, dumb-init, catatonit', ALL, async (i) => {
    const out = await ptyRun(label, ['zombie-audit-fixture/base', ...withArgs(i), 'sh', '-c', 'trap "echo GOT-INT" INT; echo up; while :; do sleep 1; done'], 'up', '\x03', 2500);
    return (out.match(/GOT-INT/g) ?? []).length === 1;
  }));

test('on a terminal the child\'s group is the foreground group (tini, catatonit make_foreground, dumb-init setsid)', () =>
  behaviour('tty: child\'s group in the foreground', 'tini, dumb-init, catatonit', ALL, async (i) => {
    const id = await run(label, withArgs(i), ['sh', '-c', 'echo up; exec sleep 1000'], { tty: true });
    if (!(await until(async () => (await rawLogs(id)).includes('up'), 8000))) return false;
    const child = (await procs(id)).find((p) => p.args === 'sleep 1000');
    return !!child && child.pgrp === child.pid && child.tpgid === child.pgrp;
  }));

test('-r FROM:TO rewrites a signal, TO 0 drops it (dumb-init proxies_signals_test)', () =>
  behaviour('-r 15:3 and -r 2:0', 'dumb-init', { 'za-shim': true, tini: 'lacks', 'dumb-init': true, catatonit: 'lacks' }, async (i) => {
    const id = await run(label, withArgs(i, '-r', '15:3', '-r', '2:0', '-r', '28:0'), ['sh', '-c', TRAPS]);
    if (!(await ready(id, 'up'))) return false;
    for (const s of ['TERM', 'INT', 'WINCH', 'HUP']) { await kill(id, `SIG${s}`); await sleep(100); }
    if (!(await ready(id, 'got-HUP'))) return false;
    await sleep(300);
    const out = await logs(id);
    return out.includes('got-QUIT') && !out.includes('got-TERM') && !out.includes('got-INT') && !out.includes('got-WINCH');
  }));

test('the init leaves its working directory; the child keeps it (dumb-init cwd_test; catatonit upstream, not Debian 0.1.7)', () =>
  behaviour('init cwd is /, child cwd kept', 'dumb-init, catatonit', { 'za-shim': true, tini: false, 'dumb-init': true, catatonit: false }, async (i) => {
    const id = await run(label, withArgs(i), ['sh', '-c', 'echo "cwd=$(pwd) init=$(readlink /proc/$PPID/cwd)"; exec sleep 1000'], { workdir: '/tmp' });
    if (!(await ready(id, 'cwd='))) return false;
    const out = await logs(id);
    if (!out.includes('cwd=/tmp')) throw new Error(out);
    return out.includes('init=/\n') || /init=\/$/m.test(out);
  }));

test('the init holds no inherited fd >= 3, the child gets them all (catatonit closes them)', () =>
  behaviour('inherited fds: child has them, init none', 'catatonit', { 'za-shim': true, tini: false, 'dumb-init': false, catatonit: true }, async (i) => {
    const id = await run(label, ['/sbin/tini', '--', 'sh', '/t/fds.sh', ...withArgs(i)], [], { scriptsDir: T });
    if (!(await ready(id, 'child-fds:'))) return false;
    if (!/child-fds: 0 1 2 (\d+ )*5 (\d+ )*7 /.test(await logs(id))) throw new Error('the child lacks fd 5 or 7');
    const ps = await procs(id);
    const init = ps.find((p) => p.pid === ps.find((c) => c.args === 'sleep 1000')!.ppid)!;
    const fds = (await execText(id, ['ls', `/proc/${init.pid}/fd`])).split('\n').filter(Boolean).map(Number);
    return !fds.includes(5) && !fds.includes(7);
  }));

test('LISTEN_PID naming the init is rewritten to the child\'s pid (catatonit, socket activation)', () =>
  behaviour('LISTEN_PID rewritten to the child', 'catatonit', { 'za-shim': true, tini: false, 'dumb-init': false, catatonit: true }, async (i) => {
    const id = await run(label, ['/sbin/tini', '--', 'sh', '/t/lp.sh', ...withArgs(i)], [], { scriptsDir: T });
    if (!(await ready(id, 'LISTEN_PID='))) return false;
    const m = /LISTEN_PID=(\d+) self=(\d+)/.exec(await logs(id))!;
    return m[1] === m[2];
  }));

test('-P pause mode: no command, reaps orphans, exits 0 on TERM (catatonit)', () =>
  behaviour('-P: pause, reap, TERM -> exit 0', 'catatonit', { 'za-shim': true, tini: 'lacks', 'dumb-init': 'lacks', catatonit: true }, async (i) => {
    const id = await run(label, [P(i), '-P'], []);
    await sleep(500);
    if (!(await running(id))) return false;
    await execText(id, ['sh', '-c', 'i=0; while [ $i -lt 50 ]; do (true &); i=$((i+1)); done']);
    if (!(await until(async () => (await zombies(id)) === 0, 5000))) return false;
    await kill(id, 'SIGTERM');
    return (await waitExit(id, 5000)) === 0;
  }));

test('--version in tini\'s format, which docker info recognises (catatonit does the same)', () =>
  behaviour('--version: "tini version X"', 'tini, catatonit', { 'za-shim': true, tini: true, 'dumb-init': false, catatonit: true }, async (i) => {
    const id = await run(label, [P(i), '--version'], []);
    await waitExit(id, 5000);
    return /^tini version \S+/.test((await logs(id)).trim());
  }));

test('a command that does not exist: a message naming it and a non-zero exit (dumb-init child_processes_test)', () =>
  behaviour('missing command: message, non-zero exit', 'tini, dumb-init', ALL, async (i) => {
    const id = await run(label, withArgs(i), ['/doesnotexist']);
    const code = await waitExit(id, 8000);
    return code !== null && code !== 0 && /\/doesnotexist.*No such file or directory|No such file or directory/.test(await logs(id));
  }));

test('when the child exits, the processes left get SIGTERM (dumb-init setsid mode; tini and catatonit exit at once)', () =>
  behaviour('child gone: the rest get SIGTERM', 'dumb-init', { 'za-shim': true, tini: false, 'dumb-init': true, catatonit: false }, async (i) => {
    // not PID 1 (the script is), so that nothing but the init can signal the process left behind
    const id = await run(label, ['sh', '/t/left.sh', ...withArgs(i)], [], { scriptsDir: T });
    if (!(await ready(id, 'DONE', 15_000))) return false;
    const out = await logs(id);
    if (!out.includes('init-exit=3')) throw new Error(out);
    return out.includes('bg-got-TERM');
  }));

test('TSTP to PID 1 stops the child, CONT resumes it (dumb-init as SIGSTOP; catatonit ignores TSTP)', () =>
  behaviour('docker kill -s TSTP stops the child', 'dumb-init, tini', { 'za-shim': true, tini: true, 'dumb-init': true, catatonit: false }, async (i) => {
    const id = await run(label, withArgs(i), ['sh', '-c', 'echo up; exec sleep 1000']);
    if (!(await ready(id, 'up'))) return false;
    const state = async () => (await procs(id)).find((p) => p.args === 'sleep 1000')!.state;
    await kill(id, 'SIGTSTP');
    const stopped = await until(async () => (await state()) === 'T', 2500);
    await kill(id, 'SIGCONT');
    if (stopped && !(await until(async () => (await state()) !== 'T', 3000))) throw new Error('not resumed');
    return stopped;
  }));

test('not PID 1: TSTP stops the child and the init itself, so a shell gets its prompt back (dumb-init)', () =>
  behaviour('not PID 1: TSTP stops child and init', 'dumb-init', { 'za-shim': true, tini: false, 'dumb-init': true, catatonit: false }, async (i) => {
    const id = await run(label, ['/sbin/tini', '--', 'sh', '/t/bg.sh', ...withArgs(i, ...(i === 'tini' ? ['-s'] : []))], [], { scriptsDir: T });
    if (!(await ready(id, 'started'))) return false;
    await sleep(500);
    const initPid = Number((await execText(id, ['cat', '/tmp/init.pid'])).trim());
    await execText(id, ['kill', '-TSTP', String(initPid)]);
    await sleep(1000);
    const ps = await procs(id);
    const both = ps.find((p) => p.pid === initPid)?.state === 'T' && ps.find((p) => p.args === 'sleep 1000' && p.ppid === initPid)?.state === 'T';
    await execText(id, ['kill', '-CONT', String(initPid)]);
    return both;
  }));
