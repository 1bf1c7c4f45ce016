import type { AuditReport } from '../analysis/audit.js';
import { exitMeaning } from '../analysis/exit.js';
import { disposition, signalName, signalNumber } from '../analysis/signals.js';
import type { InspectJSON } from '../collect/collect.js';
import { runHelper } from '../collect/helper.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import type { Proc } from '../proc/snapshot.js';
import { createSandbox, startSandbox } from './sandbox.js';

export type TermMethod = 'live-safe' | 'sandbox' | 'live';
/**
 * graceful: it acted on the signal and ended (exit 0, or its by-design code); signal-exit: it
 * ended at once but drained nothing (died of the signal, or PID 1 exited and the kernel SIGKILLed
 * the app); killed: SIGKILL after the grace period; ignored: a non-stop signal did nothing.
 */
export type TermVerdict = 'graceful' | 'signal-exit' | 'killed' | 'ignored';

export interface ChildFate {
  pid: number;
  name: string;
  /** exited before PID 1 did (it got the signal and acted), or was still running when PID 1 exited (SIGKILLed by the kernel) */
  fate: 'exited-before-pid1' | 'killed-with-pid1' | 'unknown';
}

export interface TermResult {
  signal: string;
  method: TermMethod;
  verdict: TermVerdict;
  /** time from the signal to the container's exit (sandbox, live); for live-safe, how long it was watched */
  seconds: number;
  exitCode?: number;
  /** the exit code as users read it: 128+n with the signal's name, "by design" where the runtime exits that way */
  exitMeaning?: string;
  /** sandbox: seconds the copy took to look like the live container before it was signalled */
  readySeconds?: number;
  /** the grace period docker stop used (stop signal only) */
  graceSeconds?: number;
  summary: string;
  children: ChildFate[];
  zombiesAtEnd?: number;
  sandbox?: { name: string; replacedMounts: string[] };
}

/**
 * Whether /proc proves PID 1 drops (or ignores) `sig`, so sending it to the live container is
 * harmless: the audit's own disposition rule, counting nothing as an init's forwarding, and
 * never for a known init or a container started with --init.
 */
export function provablyDropped(report: AuditReport, pid1: Proc, sig: number, inspect: InspectJSON): boolean {
  if (report.pid1.kind === 'init' || inspect.HostConfig.Init) return false;
  const d = disposition(pid1, sig, { pid1: true, forwards: false }).disposition;
  return d === 'dropped' || d === 'ignored';
}

/** Send `sig` to the live PID 1 that /proc proved drops it, and confirm it is still running. */
export async function liveSafe(engine: Engine, inspect: InspectJSON, sig: number, watchMs: number,
  guard: { readyMs: number; stillDropped: () => Promise<boolean> } = { readyMs: 0, stillDropped: async () => true }): Promise<TermResult | undefined> {
  const name = signalName(sig);
  // never signal a container younger than its readiness time: its handlers may not be installed yet
  const started = Date.parse(inspect.State.StartedAt ?? '');
  const age = Number.isFinite(started) ? Date.now() - started : Infinity;
  if (age < guard.readyMs) await new Promise((r) => setTimeout(r, guard.readyMs - age));
  // re-read the masks right before signalling: undefined means "not proven any more"
  if (!(await guard.stillDropped())) return undefined;
  const before = inspect.State;
  const t0 = Date.now();
  await engine.json('POST', `/containers/${inspect.Id}/kill`, { query: { signal: name } });
  await new Promise((r) => setTimeout(r, watchMs));
  const after = await engine.json<InspectJSON>('GET', `/containers/${inspect.Id}/json`);
  const seconds = (Date.now() - t0) / 1000;
  const same = after.State.Running && after.State.Pid === before.Pid && after.State.StartedAt === before.StartedAt;
  if (!same) {
    return { signal: name, method: 'live-safe', verdict: 'graceful', seconds, exitCode: after.State.ExitCode, children: [],
      summary: `unexpected: ${name} was proven to be dropped, yet the container ${after.State.Running ? 'restarted' : 'stopped'} (exit ${after.State.ExitCode})` };
  }
  return { signal: name, method: 'live-safe', verdict: 'ignored', seconds, children: [],
    summary: `ignores ${name} (verified): sent to the running container, still running ${seconds.toFixed(1)} s later` };
}

/**
 * The watcher: one sample of every process's state, then `kill -s SIG 1` from inside the
 * namespace (for PID 1 the same rule applies as for docker kill: only handled or blocked signals
 * arrive), a `K <uptime>` mark, then samples as fast as the shell goes for 5 rounds, then
 * every 20 ms (a busy loop steals the CPU the app needs to shut down: it made npm's stop 1-3 s slower), until the kernel kills it with the rest of the namespace when PID 1 exits.
 * Every sample after the mark was taken after the signal. SIG is a number the caller checked.
 */
export function watchScript(sig: number): string {
  return String.raw`cd /proc || exit 97
sample() {
  read -r u _ < uptime; l="W $u"
  for d in [0-9]*; do
    [ "$d" = "$$" ] && continue
    read -r s 2>/dev/null < "$d/stat" || continue
    r=${"$"}{s##*) }; t=${"$"}{r#? }; pp=${"$"}{t%% *}
    [ "$pp" = "$$" ] && continue
    l="$l $d:${"$"}{r%% *}"
  done
  echo "$l"
}
sample
if kill -s ${Number(sig)} 1 2>/dev/null || kill -${Number(sig)} 1; then read -r u _ < uptime; echo "K $u"; else echo "E 1"; fi
n=0
while :; do
  sample
  n=$((n + 1))
  [ $n -gt 5 ] && sleep 0.02
done
`;
}

interface Sample { uptime: number; states: Map<number, string>; afterSignal: boolean; signalUptime?: number }

export function parseWatch(text: string): Sample[] {
  const out: Sample[] = [];
  let after = false;
  let k: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('K ')) { after = true; k = Number(line.slice(2)); }
    if (!line.startsWith('W ')) continue;
    const [, u, ...rest] = line.split(' ');
    const states = new Map<number, string>();
    for (const r of rest) {
      const [pid, st] = r.split(':');
      if (pid && st) states.set(Number(pid), st);
    }
    out.push({ uptime: Number(u), states, afterSignal: after, signalUptime: k });
  }
  return out;
}

/**
 * Which of the processes running before the signal exited before PID 1, and which were still
 * running in the last sample, taken after the signal, just before the namespace ended (the
 * kernel SIGKILLs those when PID 1 exits).
 */
export function childFates(before: Proc[], samples: Sample[], initMainChild?: number, sigkilled = false): { children: ChildFate[]; zombiesAtEnd?: number } {
  const last = samples.at(-1);
  // a signal takes effect at the process's next return to user space: only a sample two
  // /proc/uptime ticks (20 ms) after the signal says "it did not act on it"
  const late = !!last && last.afterSignal && last.signalUptime !== undefined && last.uptime - last.signalUptime >= 0.02;
  const children: ChildFate[] = [];
  for (const p of before) {
    if (p.pid === 1 || p.state === 'Z') continue;
    if (!last || !last.afterSignal) { children.push({ pid: p.pid, name: p.comm, fate: 'unknown' }); continue; }
    const st = last.states.get(p.pid);
    const alive = st !== undefined && st !== 'Z' && st !== 'X';
    // a known init exits only after its main child has: that child exited first, by definition
    // after the grace period the engine SIGKILLs the lot: whatever was alive died with PID 1
    const fate: ChildFate['fate'] = !alive ? 'exited-before-pid1' : sigkilled ? 'killed-with-pid1'
      : p.pid === initMainChild ? 'exited-before-pid1' : late ? 'killed-with-pid1' : 'unknown';
    children.push({ pid: p.pid, name: p.comm, fate });
  }
  const zombiesAtEnd = last ? [...last.states.values()].filter((s) => s === 'Z').length : undefined;
  return { children, zombiesAtEnd };
}

/**
 * Start the watcher (which sends `sig` to PID 1 itself); `signalled` resolves when the mark is
 * out (true), or false when it could not send it (then the caller sends it through the engine).
 */
function startWatcher(engine: Engine, id: string, useHelper: boolean, sig: number, timeoutMs: number): { signalled: Promise<boolean>; output: Promise<string> } {
  let done!: (ok: boolean) => void;
  const signalled = new Promise<boolean>((r) => { done = r; });
  let seen = '';
  const onStdout = (text: string): void => {
    seen += text;
    if (/^K /m.test(seen)) done(true);
    else if (/^E /m.test(seen)) done(false);
  };
  const output = useHelper
    ? runHelper(engine, `container:${id}`, ['--watch', '20', String(sig)], { timeoutMs, onStdout })
    : engine.exec(id, ['/bin/sh', '-c', watchScript(sig)], { timeoutMs, onStdout }).then((r) => r.stdout);
  const out = output.then((t) => { done(/^K /m.test(t)); return t; }, () => { done(false); return ''; });
  return { signalled, output: out };
}

/** What the knowledge base expects of PID 1's runtime for this signal (by-design exit codes). */
export interface Expected { runtime: string; exitCode?: number; byDesign?: boolean; outcome?: 'graceful' | 'signal-exit' | 'killed' | 'unknown' }

export function verdictOf(name: string, sig: number, exitCode: number, seconds: number, grace: number | undefined,
  o: { expected?: Expected; appKilled?: string[] } = {}): { verdict: TermVerdict; summary: string; exitMeaning: string } {
  const byDesign = !!o.expected?.byDesign && o.expected.exitCode === exitCode;
  const exitMeaning1 = exitMeaning(exitCode, { byDesign, runtime: o.expected?.runtime });
  const t = seconds.toFixed(1);
  if (exitCode === 137 && grace !== undefined && seconds >= grace - 0.3) {
    return { verdict: 'killed', exitMeaning: exitMeaning1, summary: `docker stop takes ${t} s and kills with SIGKILL (exit 137): ${name} was not acted on` };
  }
  const killed = o.appKilled ?? [];
  if (killed.length > 0 && !byDesign && exitCode !== 0) {
    return { verdict: 'signal-exit', exitMeaning: exitMeaning1,
      summary: `PID 1 exits in ${t} s (exit ${exitMeaning1}), but ${killed.join(', ')} still ran: SIGKILLed by the kernel without a signal of their own, nothing drained` };
  }
  if (exitCode !== 0 && !byDesign && o.expected?.outcome === 'signal-exit' && o.expected.exitCode === exitCode) {
    return { verdict: 'signal-exit', exitMeaning: exitMeaning1,
      summary: `PID 1 (${o.expected.runtime}) exits in ${t} s (exit ${exitCode}), as it does on ${name}: the app it started is SIGKILLed with the namespace, nothing drained` };
  }
  if (exitCode === 0) return { verdict: 'graceful', exitMeaning: exitMeaning1, summary: `stops gracefully in ${t} s (exit 0)` };
  if (byDesign) return { verdict: 'graceful', exitMeaning: exitMeaning1, summary: `stops gracefully in ${t} s (exit ${exitMeaning1})` };
  if (exitCode === 128 + sig) {
    return { verdict: 'signal-exit', exitMeaning: exitMeaning1, summary: `stops in ${t} s by dying of ${name} (exit ${exitMeaning1}): no handler drained in-flight work` };
  }
  return { verdict: 'graceful', exitMeaning: exitMeaning1, summary: `exits in ${t} s with code ${exitMeaning1}` };
}

export interface StopTestOptions {
  /** docker stop's grace period; default: the container's StopTimeout or 10 */
  graceSeconds?: number;
  settleMs: number;
  procsBefore: (id: string) => Promise<{ procs: Proc[]; helper: boolean; initMainChild?: number }>;
  /** sandbox: wait until the copy looks like the live container (throws NotReady) */
  ready?: (id: string, startedAt: number) => Promise<{ seconds: number }>;
  /** what the knowledge base expects of PID 1 (by-design exit codes) */
  expected?: Expected;
}

/**
 * Stop (the stop signal, as docker stop does) or signal (any other) a container and measure:
 * time to exit, exit code, which processes ended before PID 1, zombies left at the end.
 */
export async function stopTest(engine: Engine, target: InspectJSON, sig: number, method: 'sandbox' | 'live', opts: StopTestOptions): Promise<TermResult> {
  const name = signalName(sig);
  const stopSig = signalNumber(target.Config.StopSignal || 'SIGTERM') ?? 15;
  const isStop = sig === stopSig;
  const grace = opts.graceSeconds ?? target.Config.StopTimeout ?? 10;
  let id = target.Id;
  let sandbox: Awaited<ReturnType<typeof createSandbox>> | undefined;
  let readySeconds: number | undefined;
  try {
    if (method === 'sandbox') {
      sandbox = await createSandbox(engine, target);
      const startedAt = Date.now();
      await startSandbox(engine, sandbox, opts.settleMs);
      id = sandbox.id;
      if (opts.ready) readySeconds = (await opts.ready(id, startedAt)).seconds;
    }
    const { procs, helper, initMainChild } = await opts.procsBefore(id);
    const watcher = startWatcher(engine, id, helper, sig, (grace + 60) * 1000);
    const signalled = await watcher.signalled;
    const t0 = Date.now();
    // the watcher could not signal PID 1 (another user?): send it the way docker kill does
    if (!signalled) await engine.json('POST', `/containers/${id}/kill`, { query: { signal: name } });
    const waited = await engine.request('POST', `/containers/${id}/wait`, { timeoutMs: grace * 1000 }).then(() => true, () => false);
    let seconds = (Date.now() - t0) / 1000;
    const info = (): TermResult['sandbox'] => sandbox && { name: sandbox.name, replacedMounts: sandbox.replacedMounts };
    if (!waited) {
      if (!isStop && method === 'live') {
        return { signal: name, method, verdict: 'ignored', seconds: grace, children: [], summary: `ignores ${name}: still running ${grace} s later`, sandbox: info() };
      }
      // what docker stop does when the grace period is over
      await engine.request('POST', `/containers/${id}/kill`, { query: { signal: 'SIGKILL' } });
      await engine.request('POST', `/containers/${id}/wait`, { timeoutMs: 30_000 });
      seconds = (Date.now() - t0) / 1000;
      if (!isStop) {
        const fates = childFates(procs, parseWatch(await watcher.output), initMainChild, true);
        return { signal: name, method, verdict: 'ignored', seconds: grace, children: fates.children, summary: `ignores ${name}: still running ${grace} s later`, sandbox: info() };
      }
    }
    const after = await engine.json<InspectJSON>('GET', `/containers/${id}/json`);
    const exitCode = after.State.ExitCode;
    const fates = childFates(procs, parseWatch(await watcher.output), initMainChild, !waited);
    const appKilled = fates.children.filter((c) => c.fate === 'killed-with-pid1').map((c) => `${c.pid} ${c.name}`);
    const v = verdictOf(name, sig, exitCode, seconds, isStop ? grace : undefined, { expected: opts.expected, appKilled: waited ? appKilled : [] });
    return { signal: name, method, verdict: v.verdict, seconds: Math.round(seconds * 100) / 100, exitCode, exitMeaning: v.exitMeaning, readySeconds,
      graceSeconds: isStop ? grace : undefined, summary: v.summary, children: fates.children, zombiesAtEnd: fates.zombiesAtEnd, sandbox: info() };
  } finally {
    if (sandbox) await sandbox.remove().catch(() => undefined);
  }
}

export function assertSignal(s: string): number {
  const n = signalNumber(s);
  if (!n || n < 1 || n > 64 || n === 9 || n === 19) throw new ZaError('USAGE', `--signal: ${JSON.stringify(s)} is not a signal that can be probed`);
  return n;
}
