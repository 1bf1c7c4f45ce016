import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { demux } from '../../src/engine/client.js';
import { dockerArch, nativeBinary } from '../../src/collect/helper.js';
import { engine, execText, RUN_LABEL, removeAll, runId, sleep, until } from '../helpers/engine.js';

/**
 * Behavioural tests of native/za-shim.c in real containers (the kind tini and dumb-init have):
 * exit codes, signal forwarding and rewriting, process groups, reaping, escalation, the grace
 * for the remaining processes, subreaper mode, job control.
 */
const run = runId('shim');
const SHIM = nativeBinary('za-shim', dockerArch(process.arch === 'x64' ? 'x86_64' : process.arch));
const dir = SHIM.slice(0, SHIM.lastIndexOf('/'));
const base = SHIM.slice(SHIM.lastIndexOf('/') + 1);

after(async () => { await removeAll(run); engine.close(); });

async function shim(flags: string[], cmd: string[], o: { stopTimeout?: number; entry?: string[] } = {}): Promise<string> {
  const created = await engine.json<{ Id: string }>('POST', '/containers/create', { body: {
    Image: 'zombie-audit-fixture/base', Entrypoint: o.entry ?? [`/za/${base}`, ...flags, '--'], Cmd: cmd, Labels: { [RUN_LABEL]: run },
    StopTimeout: o.stopTimeout, HostConfig: { NetworkMode: 'none', Binds: [`${dir}:/za:ro`] } } });
  await engine.request('POST', `/containers/${created.Id}/start`);
  return created.Id;
}

async function waitExit(id: string, ms = 20_000): Promise<number> {
  const r = await engine.json<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { timeoutMs: ms });
  return r.StatusCode;
}

async function logs(id: string): Promise<string> {
  const r = await engine.request('GET', `/containers/${id}/logs`, { query: { stdout: 1, stderr: 1 } });
  const d = demux(r.body);
  return d.stdout + d.stderr;
}

const kill = (id: string, sig: string) => engine.request('POST', `/containers/${id}/kill`, { query: { signal: sig } });

async function stop(id: string, t: number): Promise<{ seconds: number; code: number }> {
  const t0 = Date.now();
  await engine.request('POST', `/containers/${id}/stop`, { query: { t }, timeoutMs: (t + 30) * 1000 });
  const seconds = (Date.now() - t0) / 1000;
  const j = await engine.json<{ State: { ExitCode: number } }>('GET', `/containers/${id}/json`);
  return { seconds, code: j.State.ExitCode };
}

const ready = (id: string, text: string) => until(async () => (await logs(id)).includes(text), 5000);

test('exit codes: the child\'s code; 128+n when it dies of signal n; -m maps it to 0; 127 for a missing command', async () => {
  assert.equal(await waitExit(await shim([], ['sh', '-c', 'exit 3'])), 3);
  assert.equal(await waitExit(await shim([], ['sh', '-c', 'kill -TERM $$'])), 143);
  assert.equal(await waitExit(await shim(['-m', 'TERM'], ['sh', '-c', 'kill -TERM $$'])), 0);
  const missing = await shim([], ['/nonexistent']);
  assert.equal(await waitExit(missing), 127);
  assert.match(await logs(missing), /cannot run \/nonexistent: No such file or directory/);
  assert.equal(await waitExit(await shim(['-k', 'soon'], ['true'])), 2, 'bad usage');
});

test('forwards signals to the child; docker stop is graceful and fast', async () => {
  const id = await shim([], ['sh', '-c', 'trap "echo got USR1" USR1; trap "echo got HUP" HUP; echo up; while :; do sleep 0.05; done']);
  assert.ok(await ready(id, 'up'));
  await kill(id, 'SIGUSR1');
  await kill(id, 'SIGHUP');
  assert.ok(await ready(id, 'got USR1'));
  assert.ok(await ready(id, 'got HUP'));
  const app = await shim([], ['/app', '--term']);
  await sleep(200);
  const s = await stop(app, 10);
  assert.equal(s.code, 0);
  assert.ok(s.seconds < 2, `docker stop took ${s.seconds} s`);
});

test('-r rewrites a signal: TERM arrives as QUIT', async () => {
  const id = await shim(['-r', 'TERM:QUIT'], ['sh', '-c', 'trap "echo got QUIT; exit 0" QUIT; trap "echo got TERM; exit 0" TERM; echo up; while :; do sleep 0.05; done']);
  assert.ok(await ready(id, 'up'));
  await kill(id, 'SIGTERM');
  assert.equal(await waitExit(id), 0);
  const out = await logs(id);
  assert.match(out, /got QUIT/);
  assert.doesNotMatch(out, /got TERM/);
});

test('reaps every orphan: 0 zombies after a storm of 500', async () => {
  const id = await shim([], ['/app', '--term']);
  await sleep(200);
  await engine.exec(id, ['sh', '-c', 'i=0; while [ $i -lt 500 ]; do (sleep 0.01 &) ; i=$((i+1)); done'], { timeoutMs: 300_000 });
  assert.ok(await until(async () => {
    const z = await execText(id, ['sh', '-c', 'n=0; for f in /proc/[0-9]*/stat; do read -r s < $f 2>/dev/null || continue; case "${s##*) }" in Z*) n=$((n+1));; esac; done; echo $n']);
    return z.trim() === '0';
  }, 5000), 'no zombie left');
});

test('-k: a child that ignores TERM is SIGKILLed after the grace, before docker\'s own timeout', async () => {
  const id = await shim(['-k', '1'], ['/app', '--ignore-term']);
  await sleep(200);
  const s = await stop(id, 10);
  assert.equal(s.code, 137);
  assert.ok(s.seconds >= 0.9 && s.seconds < 8, `took ${s.seconds} s, not docker's 10 s`);
});

test('when the child exits, the remaining processes get SIGTERM and time to finish (tini would SIGKILL them)', async () => {
  const id = await shim(['-t', '3'], ['sh', '-c', '(trap "sleep 0.3; echo worker flushed; exit 0" TERM; while :; do sleep 0.05; done) & sleep 0.3; exit 7']);
  assert.equal(await waitExit(id), 7);
  assert.match(await logs(id), /worker flushed/);
  // and what does not stop is SIGKILLed after the grace
  const stubborn = await shim(['-t', '1'], ['sh', '-c', '(trap "" TERM; while :; do sleep 0.05; done) & sleep 0.3; exit 0']);
  const t0 = Date.now();
  assert.equal(await waitExit(stubborn), 0);
  const took = (Date.now() - t0) / 1000;
  assert.ok(took >= 0.9 && took < 4, `took ${took} s`);
});

test('-g: the signal reaches the whole process group', async () => {
  const id = await shim(['-g'], ['sh', '-c', '(trap "echo bg got TERM; exit 0" TERM; while :; do sleep 0.05; done) & trap "echo fg got TERM; wait; exit 0" TERM; echo up; while :; do sleep 0.05; done']);
  assert.ok(await ready(id, 'up'));
  await kill(id, 'SIGTERM');
  assert.equal(await waitExit(id), 0);
  const out = await logs(id);
  assert.match(out, /bg got TERM/);
  assert.match(out, /fg got TERM/);
});

/** pid, ppid and state of every process in the container, by name */
async function procs(id: string): Promise<Array<{ pid: number; ppid: number; name: string; state: string }>> {
  const out = await execText(id, ['sh', '-c', 'for p in /proc/[0-9]*; do read -r s < $p/stat 2>/dev/null && echo "$s"; done']);
  return out.split('\n').filter(Boolean).map((l) => {
    const close = l.lastIndexOf(')');
    const rest = l.slice(close + 2).split(' ');
    return { pid: Number(l.slice(0, l.indexOf(' '))), name: l.slice(l.indexOf('(') + 1, close), state: rest[0], ppid: Number(rest[1]) };
  });
}

test('not PID 1: a subreaper that adopts and reaps the orphans of its subtree', async () => {
  // tini is PID 1; the shim runs under it; the child makes an orphan (sleep 3) whose parent exits
  const id = await shim([], ['sh', '-c', '(sleep 3 &); echo up; exec sleep 100000'], { entry: ['/sbin/tini', '--', `/za/${base}`, '-v', '--'] });
  assert.ok(await ready(id, 'up'));
  const ps = await procs(id);
  const me = ps.find((p) => p.name === base.slice(0, 15))!;
  assert.ok(me.pid > 1 && me.ppid === 1);
  const adopted = ps.filter((p) => p.name === 'sleep' && p.ppid === me.pid);
  assert.equal(adopted.length, 2, `the orphan and the child both have the shim as parent: ${JSON.stringify(ps)}`);
  assert.ok(await until(async () => !(await procs(id)).some((p) => p.state === 'Z') && (await procs(id)).filter((p) => p.name === 'sleep').length === 1, 8000), 'the orphan was reaped');
  assert.match(await logs(id), /\(subreaper\)[\s\S]*reaped \d+/);
});

test('job control: TSTP stops the child, CONT resumes it; the shim itself never stops (with and without -g)', async () => {
  for (const flags of [[], ['-g']]) {
  const id = await shim(flags, ['sh', '-c', 'echo up; exec sleep 100000']);
  assert.ok(await ready(id, 'up'));
  const child = async () => (await procs(id)).find((p) => p.name === 'sleep')!;
  await kill(id, 'SIGTSTP');
  assert.ok(await until(async () => (await child()).state === 'T', 3000), 'the child is stopped');
  assert.notEqual((await procs(id)).find((p) => p.pid === 1)!.state, 'T', 'the shim is not');
  await kill(id, 'SIGCONT');
  assert.ok(await until(async () => (await child()).state !== 'T', 3000), 'the child runs again');
  }
});
