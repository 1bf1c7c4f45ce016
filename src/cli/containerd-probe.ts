import { knownInit } from '../analysis/identify.js';
import { disposition, signalName, signalNumber } from '../analysis/signals.js';
import { runCleanup } from '../cleanup.js';
import { ContainerdRuntime } from '../engine/containerd/runtime.js';
import { ZaError } from '../engine/errors.js';
import { parseHostRead } from '../collect/node.js';
import { parseOrphan } from '../probe/orphan.js';
import { reaperKind, zombieSummary, type ProbeReport } from '../probe/probe.js';
import type { TermResult } from '../probe/term.js';
import { toJSON } from '../render/json.js';
import { wantColor } from '../render/style.js';
import { reportError } from './errors.js';
import { exitFor } from './shared.js';
import { auditSnapshot, containerSnapshot } from './containerd.js';
import type { IO } from './io.js';
import type { ProbeCliOptions } from './probe-options.js';
import type { RuntimeOptions } from './runtime-flags.js';

/**
 * `zombie-audit probe <ns/pod/container> --runtime containerd`: the zombie probe (an orphan made
 * in the task's PID namespace from the node, no exec, shell-less images included) and the
 * live-safe signal check (a signal /proc proves PID 1 drops is sent to the live task, which must
 * still run 1 s later). The sandbox stop test (a copy of the container in a new task) and --live
 * are not implemented on containerd: the report says so and gives the inferred verdict.
 */
export async function runContainerdProbe(o: ProbeCliOptions & RuntimeOptions, io: IO): Promise<number> {
  let rt: ContainerdRuntime | undefined;
  try {
    if (o.live) throw new ZaError('USAGE', '--live is not supported with --runtime containerd', 'leave --live out: the zombie probe and the live-safe signal check still run');
    rt = new ContainerdRuntime({ address: o.address, namespace: o.namespace, timeoutMs: o.timeoutSeconds * 1000 }, io.env);
    const c = await rt.find(o.container);
    const host = parseHostRead(await rt.readProcesses(c));
    const audit = auditSnapshot(host, c);
    const pid1 = containerSnapshot(host, c).procs.get(1)!;
    const where = { container: c.name };
    const report: ProbeReport = {
      schema: 'zombie-audit/probe@1', container: audit.container, pid1: audit.pid1, inferredStop: audit.stop,
      signalProbes: [], leaves: [], findings: [], errors: [],
    };
    const say = io.stderr.isTTY && !o.json ? (m: string) => io.stderr.write(`${m}\n`) : () => undefined;
    if (o.only !== 'term') {
      say('zombie probe: making an orphan in the PID namespace and watching PID 1…');
      try {
        const z = parseOrphan(await rt.makeOrphan(c, o.zombieTimeoutMs ?? 5000), 'helper');
        const summary = zombieSummary(z);
        report.zombieProbe = { ...z, reaper: reaperKind(z), summary };
        if (!z.reaped) {
          report.leaves.push(`one zombie (pid ${z.orphanPid}) in ${c.name}: its PID 1 never reaps; it goes when the container restarts`);
          report.findings.push({ id: 'ZA301', severity: 'error', location: { ...where, pid: 1 }, message: summary,
            evidence: [`orphan pid ${z.orphanPid} handed to pid ${z.reparentedTo} (${audit.pid1.name}), exited after 200 ms, still a zombie ${(z.watchedMs / 1000).toFixed(1)} s after it started`,
              "made by za-proc entered into the task's PID namespace from the node (nsenter; no exec)"],
            fix: 'put an init in front of the app (tini or dumb-init as the container\'s command, or `zombie-audit fix`), or make PID 1 wait() for every child' });
        }
      } catch (e) {
        report.errors.push({ probe: 'zombie', code: e instanceof ZaError ? e.code : 'ERROR', message: (e as Error).message });
      }
    }
    if (o.only !== 'zombie') {
      const stopSig = signalNumber(c.stopSignal ?? 'SIGTERM') ?? 15;
      for (const sig of o.signals.length ? o.signals : [stopSig]) {
        const name = signalName(sig);
        const d = disposition(pid1, sig, { pid1: true, forwards: false }).disposition;
        const dropped = audit.pid1.kind !== 'init' && !knownInit(pid1) && (d === 'dropped' || d === 'ignored');
        if (!dropped) {
          report.findings.push({ id: 'ZA305', severity: 'info', location: where,
            message: `${name} shutdown test not run: PID 1 would act on it, and the sandbox copy is not implemented on containerd`,
            evidence: [`inferred from /proc instead: ${audit.stop.summary}`], fix: 'test the image on Docker with `zombie-audit probe`, or delete one pod of the workload and time it' });
          continue;
        }
        say(`${name} probe: /proc proves PID 1 drops it; sending it to the live task…`);
        const t0 = Date.now();
        await rt.signal(c.id, name);
        await new Promise((r) => setTimeout(r, 1000));
        const after = await rt.find(c.id);
        const seconds = (Date.now() - t0) / 1000;
        const same = after.state === 'running' && after.hostPid === c.hostPid;
        const r: TermResult = same
          ? { signal: name, method: 'live-safe', verdict: 'ignored', seconds, children: [], summary: `ignores ${name} (verified): sent to the running task, still running ${seconds.toFixed(1)} s later` }
          : { signal: name, method: 'live-safe', verdict: 'graceful', seconds, exitCode: after.exitCode, children: [], summary: `unexpected: ${name} was proven to be dropped, yet the task ${after.state === 'running' ? 'restarted' : 'stopped'}${after.exitCode !== undefined ? ` (exit ${after.exitCode})` : ''}` };
        if (sig === stopSig) report.termProbe = r;
        else report.signalProbes.push(r);
        if (r.verdict === 'ignored') {
          report.findings.push(sig === stopSig
            ? { id: 'ZA302', severity: 'error', location: { ...where, pid: 1 }, message: `${r.summary}: the kubelet will wait ${c.stopTimeoutSeconds} s and kill it (exit 137)`,
              evidence: ['sent to the live task where /proc proved PID 1 drops it', `grace ${c.stopTimeoutSeconds} s (${c.graceSource})`],
              fix: `handle ${name} in the app, or put an init in front (tini, \`zombie-audit fix\`)` }
            : { id: 'ZA304', severity: 'info', location: { ...where, pid: 1 }, message: r.summary, evidence: ['sent to the live task where /proc proved PID 1 drops it'],
              fix: `handle ${name} if the app should act on it, or put an init in front (it forwards it)` });
        }
      }
    }
    if (o.json) io.stdout.write(toJSON(report));
    else {
      const { renderProbeHuman } = await import('../render/probe-human.js');
      io.stdout.write((await renderProbeHuman(report, wantColor(io.stdout, io.env))).replace('(made by a helper in its PID namespace)', "(made by za-proc in the task's PID namespace, from the node)"));
    }
    if (report.errors.length > 0 && report.findings.length === 0 && !report.zombieProbe && !report.termProbe) return 2;
    return exitFor(report.findings, o.failOn);
  } catch (err) {
    return reportError(err, io, o.json);
  } finally {
    await runCleanup();
    rt?.close();
  }
}
