import { analyze, type AuditReport, type ContainerInfo } from '../analysis/audit.js';
import { runCleanup } from '../cleanup.js';
import { ContainerdRuntime } from '../engine/containerd/runtime.js';
import { EXIT, ZaError } from '../engine/errors.js';
import type { ContainerSummary, GraceSource, PodNames } from '../engine/runtime.js';
import { nodeSnapshot, parseHostRead, pidsOfHostPid } from '../collect/node.js';
import type { Snapshot } from '../proc/snapshot.js';
import { toJSON } from '../render/json.js';
import { makeStyle, wantColor } from '../render/style.js';
import { reportError } from './errors.js';
import { exitFor } from './shared.js';
import type { AuditOptions } from './audit-options.js';
import type { IO } from './io.js';
import type { RuntimeOptions } from './runtime-flags.js';
import type { ScanFailure, ScanReport } from './scan.js';

/**
 * The audit on containerd (a Kubernetes node): the same analysis and reports as on Docker, fed
 * by the containerd runtime (src/engine/containerd/) and the node-side /proc reader.
 */

export const CONTAINERD_METHOD_TEXT =
  "za-proc run on the node, reading the host's /proc; processes attributed by the task's PID namespace (no exec, nothing written into the container)";

/** The audit report with what Kubernetes adds: the pod's names, the grace and who stops it. */
export interface ContainerdAuditReport extends AuditReport {
  container: AuditReport['container'] & { runtime: 'containerd'; pod?: PodNames };
  stop: AuditReport['stop'] & { graceSource: GraceSource };
}

export function containerInfoOf(c: ContainerSummary): ContainerInfo {
  return { id: c.id, name: c.name, image: c.image, stopSignal: c.stopSignal, stopTimeout: c.stopTimeoutSeconds, pidsLimit: c.pidsLimit, init: c.init };
}

/** Who stops the container and how long it waits, as the stop prediction says it. */
export function graceText(c: ContainerSummary): { stopper: string; note: string } {
  switch (c.graceSource) {
    case 'kubernetes':
      return { stopper: 'the kubelet (pod deletion)', note: `terminationGracePeriodSeconds ${c.stopTimeoutSeconds}, as the kubelet recorded it` };
    case 'kubernetes-default':
      return { stopper: 'the kubelet (pod deletion)', note: `Kubernetes' default terminationGracePeriodSeconds (${c.stopTimeoutSeconds} s): the kubelet recorded none on this container` };
    default:
      return { stopper: 'a stop (e.g. nerdctl stop)', note: `containerd has no stop timeout of its own: ${c.stopTimeoutSeconds} s is nerdctl stop's default` };
  }
}

/**
 * Adapt the Docker-worded parts of a report to containerd: who sends the stop signal, the grace
 * and where it comes from, the pod's names, how the processes were read.
 */
export function forContainerd(r: AuditReport, c: ContainerSummary): ContainerdAuditReport {
  const { stopper, note } = graceText(c);
  const reword = (t: string): string => t.replace(/docker stop/g, stopper);
  const summary = `${reword(r.stop.summary)} (${note})`;
  // a pod has no `docker run --init` or `docker run -it`: the same advice in its own words
  const k8s = (t: string): string => t.replace(/`docker run --init`, /g, '').replace(/`docker run -it`/g, '`kubectl attach -it`');
  const findings = r.findings.map((f) => ({
    ...f,
    message: f.message === r.stop.summary ? summary : k8s(reword(f.message)),
    evidence: f.evidence.map((e) => (/^stop timeout \d+ s$/.test(e) ? `stop grace ${c.stopTimeoutSeconds} s: ${note}` : e)),
    ...(f.fix ? { fix: k8s(f.fix) } : {}),
  }));
  return {
    ...r,
    container: { ...r.container, runtime: 'containerd', ...(c.pod ? { pod: c.pod } : {}) },
    methodText: CONTAINERD_METHOD_TEXT,
    stop: { ...r.stop, summary, graceSource: c.graceSource },
    findings,
  };
}

/** The container's processes out of a host read (parsed once per read with `parseHostRead`). */
export function containerSnapshot(host: Snapshot, c: ContainerSummary): Snapshot {
  const snap = nodeSnapshot(host, c.hostPid!, c.name, pidsOfHostPid(c.hostPid!));
  if (!snap.complete || !snap.procs.has(1)) throw new ZaError('BAD_OUTPUT', `the host read of ${c.name} is incomplete`);
  return snap;
}

export function auditSnapshot(host: Snapshot, c: ContainerSummary): ContainerdAuditReport {
  const snap = containerSnapshot(host, c);
  return forContainerd(analyze(snap, containerInfoOf(c), 'host'), c);
}

const GONE = new Set(['NOT_FOUND', 'NOT_RUNNING', 'EXITED_DURING_AUDIT', 'PAUSED']);

/** `--all` on containerd: every pod container (sandboxes skipped), one host read. */
export async function scanContainerd(rt: ContainerdRuntime, opts: AuditOptions): Promise<ScanReport> {
  const filters = Object.entries(opts.filters).flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`));
  const list = await rt.list({ filters });
  const report: ScanReport = { schema: 'zombie-audit/scan@1', method: 'host', containers: [], failures: [], skipped: [] };
  const texts = await rt.readProcessesMany(list);
  const parsed = new Map<Buffer, Snapshot>(); // one parse per host read
  for (const c of list) {
    const t = texts.get(c.id);
    try {
      if (t instanceof ZaError) throw t;
      if (!parsed.has(t!)) parsed.set(t!, parseHostRead(t!));
      report.containers.push(auditSnapshot(parsed.get(t!)!, c));
    } catch (e) {
      const f: ScanFailure = { container: c.name, code: e instanceof ZaError ? e.code : 'ERROR', message: (e as Error).message };
      (e instanceof ZaError && GONE.has(e.code) ? report.skipped : report.failures).push(f);
    }
  }
  report.containers.sort((a, b) => a.container.name.localeCompare(b.container.name));
  return report;
}

async function renderScan(report: ScanReport, opts: AuditOptions, io: IO): Promise<void> {
  if (opts.json) { io.stdout.write(toJSON(report)); return; }
  const { renderScanHuman } = await import('../render/scan-human.js');
  io.stdout.write(await renderScanHuman(report, await makeStyle(wantColor(io.stdout, io.env)), {
    container: 'namespace/pod/container', stop: 'pod deletion', readBy: "containerd; read on the node from the host's /proc",
    details: 'zombie-audit <namespace/pod/container> --runtime containerd; finding ids: zombie-audit explain <ID>' }));
}

/** `zombie-audit <ns/pod/container>... --runtime containerd` and `--all`: returns the exit code. */
export async function runContainerdAudit(opts: AuditOptions & RuntimeOptions, io: IO): Promise<number> {
  let rt: ContainerdRuntime | undefined;
  try {
    rt = new ContainerdRuntime({ address: opts.address, namespace: opts.namespace, timeoutMs: opts.timeoutSeconds * 1000 }, io.env);
    if (opts.runtime === 'auto') io.stderr.write(`zombie-audit: runtime auto: using ${rt.describe()}\n`);
    if (opts.all) {
      const report = await scanContainerd(rt, opts);
      await renderScan(report, opts, io);
      if (report.failures.length > 0) return EXIT.ERROR;
      return exitFor(report.containers.flatMap((r) => r.findings), opts.failOn);
    }
    const reports: ContainerdAuditReport[] = [];
    for (const ref of opts.containers) {
      const c = await rt.find(ref);
      reports.push(auditSnapshot(parseHostRead(await rt.readProcesses(c)), c));
    }
    if (opts.json) io.stdout.write(toJSON(reports.length === 1 ? reports[0] : reports));
    else {
      const style = await makeStyle(wantColor(io.stdout, io.env));
      const { renderAuditHuman } = await import('../render/audit-human.js');
      const parts = await Promise.all(reports.map((r) => renderAuditHuman(r, style, { tree: opts.tree })));
      io.stdout.write(parts.join('\n'));
    }
    return exitFor(reports.flatMap((r) => r.findings), opts.failOn);
  } catch (err) {
    return reportError(err, io, opts.json);
  } finally {
    await runCleanup();
    rt?.close();
  }
}
