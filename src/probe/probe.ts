import { analyze, type AuditReport } from '../analysis/audit.js';
import { knownInit } from '../analysis/identify.js';
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
  zombieTimeoutMs: number;
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
  zombieProbe?: OrphanResult & { summary: string };
  termProbe?: TermResult;
  /** the other signals asked for with --signal */
  signalProbes: TermResult[];
  /** what the probe leaves behind */
  leaves: string[];
  findings: Finding[];
  errors: Array<{ probe: string; code: string; message: string }>;
}

function zombieSummary(z: OrphanResult): string {
  if (z.reparentedTo !== 1 && z.reparentedTo > 1) {
    return `the probe's orphan went to pid ${z.reparentedTo} (a subreaper), not PID 1; ${z.reaped ? `reaped in ${z.ms} ms` : 'not reaped'}`;
  }
  return z.reaped ? `PID 1 reaps orphans (in ${z.ms} ms, ±10 ms)` :
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
      const z = await orphanProbe(engine, j.Id, { timeoutMs: o.zombieTimeoutMs, method: c.method === 'helper' ? 'helper' : 'auto' });
      report.zombieProbe = { ...z, summary: zombieSummary(z) };
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
  for (const sig of signals) {
    const name = signalName(sig);
    let r: TermResult;
    try {
      if (provablyDropped(audit, pid1, sig, j)) {
        say(`${name} probe: /proc proves PID 1 drops it; sending it to the live container…`);
        r = await liveSafe(engine, j, sig, 1000);
      } else if (o.live) {
        say(`${name} probe: stopping the real container (--live)…`);
        r = await stopTest(engine, j, sig, 'live', { graceSeconds: o.graceSeconds, settleMs: o.settleMs, procsBefore: (id) => procsOf(engine, id) });
        if (!o.leaveStopped) {
          await engine.request('POST', `/containers/${j.Id}/start`);
          r.summary += '; the container was started again';
        } else {
          report.leaves.push(`${audit.container.name} stopped (--live --leave-stopped)`);
        }
      } else {
        say(`${name} probe: PID 1 would act on it; testing on a sandbox copy (network none, empty volumes)…`);
        r = await stopTest(engine, j, sig, 'sandbox', { graceSeconds: o.graceSeconds, settleMs: o.settleMs, procsBefore: (id) => procsOf(engine, id) });
      }
    } catch (e) {
      const msg = (e as Error).message;
      report.errors.push({ probe: name, code: e instanceof ZaError ? e.code : 'ERROR', message: msg });
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
  if (r.exitCode !== undefined && r.exitCode > 128 && r.exitCode !== 137 && r.verdict === 'graceful') {
    report.findings.push({ id: 'ZA306', severity: 'info', location: where, message: r.summary, evidence: [how],
      fix: `handle ${r.signal} in the app to finish in-flight work before exiting` });
  }
  const killed = r.children.filter((c) => c.fate === 'killed-with-pid1');
  // after a SIGKILL at the end of the grace period, ZA302 already says it all
  if (killed.length > 0 && r.verdict === 'graceful') {
    report.findings.push({ id: 'ZA303', severity: 'warning', location: where,
      message: `PID 1 exits but ${killed.length} other process${killed.length === 1 ? '' : 'es'} (${killed.map((k) => `${k.pid} ${k.name}`).join(', ')}) were still running: the kernel SIGKILLs them without a signal of their own`,
      evidence: [how, `last look before the end: ${killed.map((k) => k.pid).join(', ')} still running`],
      fix: 'have the init signal the whole process group (tini -g, dumb-init default) or the app stop its children first; the project\'s shim waits for them with a grace period' });
  }
}
