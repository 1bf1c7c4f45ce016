import { analyze, type AuditReport } from '../analysis/audit.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { parseSnapshot, type Proc, type Snapshot } from '../proc/snapshot.js';
import { collect, containerInfo, type InspectJSON } from './collect.js';
import { runHelper } from './helper.js';

/**
 * Split one host-wide snapshot (za-proc --host) into one snapshot per container, in the
 * container's own pid numbering. A container's processes are those in the pid namespace of its
 * init (State.Pid): that holds for zombies too, whose cgroup already reads "/" (they left it
 * when they exited) but whose ns/pid link and NSpid stay readable.
 */
export function splitByContainer(host: Snapshot, initHostPid: number): Snapshot | undefined {
  const init = host.procs.get(initHostPid);
  const ns = init?.host?.pidns;
  if (!init || !ns) return undefined;
  const members = [...host.procs.values()].filter((p) => p.host?.pidns === ns);
  const toNs = new Map<number, number>();
  for (const p of members) {
    const inner = p.host?.nspid.at(-1);
    if (inner !== undefined) toNs.set(p.pid, inner);
  }
  if (toNs.get(initHostPid) !== 1) return undefined; // shares another container's namespace
  const procs = new Map<number, Proc>();
  for (const p of members) {
    const pid = toNs.get(p.pid);
    if (pid === undefined) continue;
    procs.set(pid, { ...p, pid, ppid: toNs.get(p.ppid) ?? 0 });
  }
  return { collector: host.collector, uptime: host.uptime, pidMax: host.pidMax, procs, complete: host.complete };
}

export interface HostScan {
  reports: AuditReport[];
  skipped: Array<{ container: string; code: string; message: string }>;
}

/** Audit every container in `ids` with one helper container in the host's PID namespace. */
export async function scanHost(engine: Engine, ids: readonly string[]): Promise<HostScan> {
  const [out, inspected] = await Promise.all([
    runHelper(engine, 'host', ['--host']),
    Promise.allSettled(ids.map((id) => engine.json<InspectJSON>('GET', `/containers/${id}/json`))),
  ]);
  const snap = parseSnapshot(out);
  if (!snap.complete) throw new ZaError('BAD_OUTPUT', 'the host helper printed an incomplete snapshot');
  const result: HostScan = { reports: [], skipped: [] };
  const fallback: InspectJSON[] = [];
  inspected.forEach((r, i) => {
    if (r.status === 'rejected') {
      result.skipped.push({ container: ids[i].slice(0, 12), code: 'NOT_FOUND', message: 'went away before its audit' });
      return;
    }
    const j = r.value;
    const name = j.Name.replace(/^\//, '');
    if (!j.State.Running || !j.State.Pid) {
      result.skipped.push({ container: name, code: 'NOT_RUNNING', message: `stopped before its audit (${j.State.Status})` });
      return;
    }
    if (j.HostConfig.PidMode === 'host') {
      result.skipped.push({ container: name, code: 'HOST_PID', message: "shares the host's PID namespace: its PID 1 is the host's init" });
      return;
    }
    const sub = splitByContainer(snap, j.State.Pid);
    if (!sub) { fallback.push(j); return; }
    result.reports.push(analyze(sub, containerInfo(j), 'host'));
  });
  for (const j of fallback) {
    // a container that shares another's PID namespace, or whose init had gone: read it alone
    try {
      const c = await collect(engine, j.Id);
      result.reports.push(analyze(c.snapshot, containerInfo(c.inspect), c.method));
    } catch (e) {
      // a container removed (or stopped) meanwhile is skipped as such, not as a broken image
      const now = await engine.request('GET', `/containers/${j.Id}/json`).catch(() => undefined);
      if (now?.status === 404) { result.skipped.push({ container: j.Name.replace(/^\//, ''), code: 'NOT_FOUND', message: 'removed during the scan' }); continue; }
      result.skipped.push({ container: j.Name.replace(/^\//, ''), code: e instanceof ZaError ? e.code : 'ERROR', message: (e as Error).message });
    }
  }
  return result;
}
