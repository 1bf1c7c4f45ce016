import { analyze, type AuditReport } from '../analysis/audit.js';
import { knownInit } from '../analysis/identify.js';
import { runtimeOf } from '../runtimes/index.js';
import type { Snapshot } from '../proc/snapshot.js';
import { NotReady, stableOf, waitUntilLike } from './ready.js';
import { signalName, signalNumber } from '../analysis/signals.js';
import { collect, containerInfo, type InspectJSON } from '../collect/collect.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import type { Finding } from '../findings/model.js';
import { orphanProbe, type OrphanResult } from './orphan.js';
import { liveSafe, provablyDropped, stopTest, type TermResult } from './term.js';

export interface ProbeOptions {
  /** signals to test; default: the container's stop signal */
  signals: number[];
  /** how long to watch the orphan; default: adaptive (up to 5 s, less for a runtime known to reap at once) */
  zombieTimeoutMs?: number;
  /** how long the sandbox copy may take to look like the live container; default 60 s */
  readyTimeoutMs?: number;
  /** run the stop test on the real container (the caller has the user's confirmation) */
  live: boolean;
  /** after a live stop, leave the container stopped instead of starting it again */
  leaveStopped: boolean;
  graceSeconds?: number;
  settleMs: number;
  skipZombie: boolean;
  skipTerm: boolean;
  progress?: (msg: string) => void;
}

export interface ProbeReport {
  schema: 'zombie-audit/probe@1';
  container: { id: string; name: string; image: string };
  pid1: AuditReport['pid1'];
  /** what the audit inferred, for the before/after comparison */
  inferredStop: AuditReport['stop'];
  /** `reaper`: prompt (on SIGCHLD), slow (polling, over 50 ms) or never (added in 0.2) */
  zombieProbe?: OrphanResult & { reaper: 'prompt' | 'slow' | 'never'; summary: string };
  termProbe?: TermResult;
  /** the other signals asked for with --signal */
  signalProbes: TermResult[];
  /** what the probe leaves behind */
  leaves: string[];
  findings: Finding[];
  errors: Array<{ probe: string; code: string; message: string }>;
}

/** Above this, the reaper polls (apache2, supervisord: up to ~1 s) rather than reaping on SIGCHLD (a few ms, up to ~200 ms read by the probe on a loaded machine). */
export const SLOW_REAP_MS = 300;

export function reaperKind(z: OrphanResult): 'prompt' | 'slow' | 'never' {
  if (!z.reaped) return 'never';
  return (z.ms ?? 0) > SLOW_REAP_MS ? 'slow' : 'prompt';
}

export function zombieSummary(z: OrphanResult): string {
  if (z.reparentedTo !== 1 && z.reparentedTo > 1) {
    return `the probe's orphan went to pid ${z.reparentedTo} (a subreaper), not PID 1; ${z.reaped ? `reaped in ${z.ms} ms` : 'not reaped'}`;
  }
  const k = reaperKind(z);
  return k === 'prompt' ? `PID 1 reaps orphans (in ${z.ms} ms, ±10 ms)` :
    k === 'slow' ? `PID 1 reaps orphans, slowly (in ${z.ms} ms, ±10 ms): it polls rather than reaping on SIGCHLD; zombies live up to that long` :
      `PID 1 leaks zombies: the probe's orphan (pid ${z.orphanPid}) is still a zombie after ${(z.watchedMs / 1000).toFixed(1)} s`;
}

async function procsOf(engine: Engine, id: string) {
  const c = await collect(engine, id);
  const procs = [...c.snapshot.procs.values()];
  const pid1 = c.snapshot.procs.get(1);
  const isInit = pid1 ? knownInit(pid1) !== undefined : false;
  const main = isInit ? procs.filter((p) => p.ppid === 1 && p.state !== 'Z').sort((a, b) => a.pid - b.pid)[0]?.pid : undefined;
  return { procs, helper: c.method === 'helper', initMainChild: main };
}

export async function probe(engine: Engine, ref: string, o: ProbeOptions): Promise<ProbeReport> {
  const say = o.progress ?? (() => undefined);
  const c = await collect(engine, ref);
  const audit = analyze(c.snapshot, containerInfo(c.inspect), c.method);
  const j: InspectJSON = c.inspect;
  const pid1 = c.snapshot.procs.get(1)!;
  const where = { container: audit.container.name };
  const report: ProbeReport = {
    schema: 'zombie-audit/probe@1', container: audit.container, pid1: audit.pid1, inferredStop: audit.stop,
    signalProbes: [], leaves: [], findings: [], errors: [],
  };
  if (!o.skipZombie) {
    say('zombie probe: making an orphan and watching PID 1…');
    try {
      // a slow (polling) reaper needs a second or more: watch up to 5 s; a runtime known to
      // reap on SIGCHLD answers in milliseconds, and one known never to reap needs no more than 2 s
      const rt = runtimeOf(pid1);
      const window = o.zombieTimeoutMs ?? (rt?.reaps === 'no' ? 2000 : 5000);
      const z = await orphanProbe(engine, j.Id, { timeoutMs: window, method: c.method === 'helper' ? 'helper' : 'auto' });
      report.zombieProbe = { ...z, reaper: reaperKind(z), summary: zombieSummary(z) };
      if (!z.reaped) {
        report.leaves.push(`one zombie (pid ${z.orphanPid}) in ${audit.container.name}: its PID 1 never reaps; it goes when the container restarts`);
        report.findings.push({ id: 'ZA301', severity: 'error', location: { ...where, pid: 1 }, message: report.zombieProbe.summary,
          evidence: [`orphan pid ${z.orphanPid} handed to pid ${z.reparentedTo} (${audit.pid1.name}), exited after 200 ms, still a zombie ${(z.watchedMs / 1000).toFixed(1)} s after it started`, `made by ${z.method === 'exec' ? 'a docker exec' : 'a helper container in its PID namespace'}`],
          fix: 'put an init in front of the app (`docker run --init`, tini, dumb-init, or `zombie-audit fix`), or make PID 1 wait() for every child' });
      }
    } catch (e) {
      report.errors.push({ probe: 'zombie', code: e instanceof ZaError ? e.code : 'ERROR', message: (e as Error).message });
    }
  }
  if (o.skipTerm) return report;
  const stopSig = signalNumber(j.Config.StopSignal || 'SIGTERM') ?? 15;
  const signals = o.signals.length ? o.signals : [stopSig];
  const rt = runtimeOf(pid1);
  // what the live container runs: what two reads agree on (a transient process, an autovacuum
  // worker or a cron job, must not keep the copy "not ready")
  let live: Snapshot | undefined;
  const liveNow = async (): Promise<Snapshot> => {
    if (live) return live;
    const again = await collect(engine, j.Id).then((x) => x.snapshot, () => c.snapshot);
    return (live = stableOf(c.snapshot, again));
  };
  const readyMs = Math.max(2, rt?.readySeconds ?? 2) * 1000;
  const keyOf: Record<number, 'TERM' | 'INT' | 'HUP' | 'QUIT'> = { 15: 'TERM', 2: 'INT', 1: 'HUP', 3: 'QUIT' };
  for (const sig of signals) {
    const name = signalName(sig);
    const fact = keyOf[sig] ? rt?.signals[keyOf[sig]] : undefined;
    const expected = rt ? { runtime: rt.name, exitCode: fact?.exitCode, byDesign: fact?.byDesign, outcome: fact?.outcome } : undefined;
    const ready = async (id: string, startedAt: number) => waitUntilLike(engine, id, await liveNow(), {
      startedAt, minMs: Math.max(o.settleMs, readyMs), timeoutMs: o.readyTimeoutMs ?? 60_000 });
    let r: TermResult | undefined;
    try {
      if (provablyDropped(audit, pid1, sig, j)) {
        say(`${name} probe: /proc proves PID 1 drops it; sending it to the live container…`);
        r = await liveSafe(engine, j, sig, 1000, { readyMs, stillDropped: async () => {
          // the masks again, right before the signal: same PID 1 (same start), still dropping it
          const again = await collect(engine, j.Id);
          const p1 = again.snapshot.procs.get(1);
          if (!p1 || p1.startTicks !== pid1.startTicks) return false;
          return provablyDropped(analyze(again.snapshot, containerInfo(again.inspect), again.method), p1, sig, again.inspect);
        } });
      }
      if (r) {
        // proven dropped and sent: done
      } else if (o.live) {
        say(`${name} probe: stopping the real container (--live)…`);
        r = await stopTest(engine, j, sig, 'live', { graceSeconds: o.graceSeconds, settleMs: o.settleMs, procsBefore: (id) => procsOf(engine, id), expected });
        if (!o.leaveStopped) {
          await engine.request('POST', `/containers/${j.Id}/start`);
          r.summary += '; the container was started again';
        } else {
          report.leaves.push(`${audit.container.name} stopped (--live --leave-stopped)`);
        }
      } else {
        say(`${name} probe: PID 1 would act on it; testing on a sandbox copy (network none, empty volumes)…`);
        r = await stopTest(engine, j, sig, 'sandbox', { graceSeconds: o.graceSeconds, settleMs: o.settleMs, procsBefore: (id) => procsOf(engine, id), ready, expected });
      }
    } catch (e) {
      const msg = (e as Error).message;
      report.errors.push({ probe: name, code: e instanceof ZaError || e instanceof NotReady ? e.code : 'ERROR', message: msg });
      report.findings.push({ id: 'ZA305', severity: 'info', location: where, message: `${name} shutdown test not run: ${msg}`,
        evidence: [`inferred from /proc instead: ${audit.stop.summary}`], fix: 'probe with --live --yes on a container you may stop, or make the app start without its network and volumes' });
      continue;
    }
    if (sig === stopSig) report.termProbe = r;
    else report.signalProbes.push(r);
    addTermFindings(report, r, sig === stopSig, where);
  }
  return report;
}

function addTermFindings(report: ProbeReport, r: TermResult, isStop: boolean, where: { container: string }): void {
  const how = r.method === 'sandbox' ? `measured on a sandbox copy (${r.sandbox?.name})` : r.method === 'live' ? 'measured on the live container (--live)' : 'sent to the live container where /proc proved PID 1 drops it';
  if ((r.verdict === 'killed' || r.verdict === 'ignored') && isStop) {
    report.findings.push({ id: 'ZA302', severity: 'error', location: { ...where, pid: 1 }, message: r.verdict === 'killed' ? r.summary : `${r.summary}: docker stop will wait the grace period and kill it (exit 137)`,
      evidence: [how, ...(r.exitCode !== undefined ? [`exit code ${r.exitCode} after ${r.seconds} s`] : [])],
      fix: `handle ${r.signal} in the app, or put an init in front (\`docker run --init\`, tini, \`zombie-audit fix\`)` });
  } else if (r.verdict === 'ignored') {
    report.findings.push({ id: 'ZA304', severity: 'info', location: { ...where, pid: 1 }, message: r.summary, evidence: [how],
      fix: `handle ${r.signal} if the app should act on it, or put an init in front (it forwards it)` });
  }
  if (r.exitCode !== undefined && r.exitCode > 128 && r.exitCode !== 137 && r.verdict === 'signal-exit') {
    report.findings.push({ id: 'ZA306', severity: 'info', location: where, message: r.summary, evidence: [how],
      fix: `handle ${r.signal} in the app to finish in-flight work before exiting` });
  }
  const killed = r.children.filter((c) => c.fate === 'killed-with-pid1');
  // after a SIGKILL at the end of the grace period, ZA302 already says it all
  if (killed.length > 0 && (r.verdict === 'graceful' || r.verdict === 'signal-exit')) {
    report.findings.push({ id: 'ZA303', severity: 'warning', location: where,
      message: `PID 1 exits but ${killed.length} other process${killed.length === 1 ? '' : 'es'} (${killed.map((k) => `${k.pid} ${k.name}`).join(', ')}) were still running: the kernel SIGKILLs them without a signal of their own`,
      evidence: [how, `last look before the end: ${killed.map((k) => k.pid).join(', ')} still running`],
      fix: 'have the init signal the whole process group (tini -g, dumb-init default) or the app stop its children first; the project\'s shim waits for them with a grace period' });
  }
}
