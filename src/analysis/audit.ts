import type { Finding } from '../findings/model.js';
import type { Proc, Snapshot } from '../proc/snapshot.js';
import { hasSignal } from '../proc/status.js';
import { kindOf, knownInit, label, type ProcKind } from './identify.js';
import { disposition, signalName, signalNumber, type Disposition, type SignalVerdict } from './signals.js';

/** What the audit needs to know of a container, from the engine's inspect. */
export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  /** Config.StopSignal, or undefined for the default SIGTERM */
  stopSignal?: string;
  /** Config.StopTimeout, or undefined for the engine's default (10 s) */
  stopTimeout?: number;
  /** HostConfig.PidsLimit (0, -1 or undefined: unlimited) */
  pidsLimit?: number;
  /** HostConfig.Init: started with --init */
  init?: boolean;
}

export type Method = 'exec' | 'helper' | 'host';

export const METHOD_TEXT: Record<Method, string> = {
  exec: 'one docker exec of /bin/sh reading /proc (builtins only; nothing written)',
  helper: "a helper container in the container's PID namespace running za-proc (no shell needed; nothing written into the container)",
  host: "one helper container in the host's PID namespace reading every container's /proc (read only)",
};

export interface ZombieRecord {
  pid: number;
  name: string;
  ppid: number;
  parentName: string;
  /** who can reap it: PID 1 (the init's job) or its live parent (that process's bug) */
  reaper: 'pid1' | 'parent';
  /** seconds since the process started (the kernel keeps no exit time for a zombie) */
  ageSeconds?: number;
}

export interface ZombieGroup {
  ppid: number;
  parentName: string;
  reaper: 'pid1' | 'parent';
  count: number;
  oldestSeconds?: number;
}

export const AUDITED_SIGNALS = ['TERM', 'INT', 'HUP', 'QUIT'] as const;
export type AuditedSignal = (typeof AUDITED_SIGNALS)[number];

export interface AuditReport {
  schema: 'zombie-audit/audit@1';
  container: { id: string; name: string; image: string };
  method: Method;
  methodText: string;
  pid1: {
    pid: 1;
    name: string;
    argv?: string[];
    kind: ProcKind;
    init?: string;
    signals: Record<AuditedSignal, Disposition>;
    signalReasons: Record<AuditedSignal, string>;
    reapsChildren: 'yes' | 'no' | 'unknown';
  };
  stop: {
    signal: string;
    timeoutSeconds: number;
    outcome: 'graceful' | 'signal-exit' | 'killed' | 'unknown';
    summary: string;
  };
  processes: { total: number; live: number; zombies: number };
  pids: { max?: number; current?: number; headroom?: number; source: string };
  zombies: ZombieRecord[];
  zombieParents: ZombieGroup[];
  tree: TreeNode[];
  findings: Finding[];
  complete: boolean;
}

export interface TreeNode {
  pid: number;
  ppid: number;
  name: string;
  state: string;
  zombie: boolean;
  children: TreeNode[];
}

const CLK_TCK = 100;

function age(p: Proc, snap: Snapshot): number | undefined {
  if (snap.uptime === undefined) return undefined;
  return Math.max(0, Math.round((snap.uptime - p.startTicks / CLK_TCK) * 10) / 10);
}

function nameOf(snap: Snapshot, pid: number): string {
  if (pid === 0) return '(outside the container)';
  const p = snap.procs.get(pid);
  return p ? p.comm : '(gone)';
}

export function zombieRecords(snap: Snapshot): ZombieRecord[] {
  const out: ZombieRecord[] = [];
  for (const p of snap.procs.values()) {
    if (p.state !== 'Z') continue;
    out.push({
      pid: p.pid, name: p.comm, ppid: p.ppid, parentName: nameOf(snap, p.ppid),
      reaper: p.ppid === 1 ? 'pid1' : 'parent', ageSeconds: age(p, snap),
    });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

export function groupZombies(zombies: readonly ZombieRecord[]): ZombieGroup[] {
  const groups = new Map<number, ZombieGroup>();
  for (const z of zombies) {
    let g = groups.get(z.ppid);
    if (!g) groups.set(z.ppid, (g = { ppid: z.ppid, parentName: z.parentName, reaper: z.reaper, count: 0 }));
    g.count++;
    if (z.ageSeconds !== undefined) g.oldestSeconds = Math.max(g.oldestSeconds ?? 0, z.ageSeconds);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.ppid - b.ppid);
}

export function buildTree(snap: Snapshot, maxNodes = 400): TreeNode[] {
  const nodes = new Map<number, TreeNode>();
  for (const p of snap.procs.values()) {
    nodes.set(p.pid, { pid: p.pid, ppid: p.ppid, name: label(p, 50), state: p.state, zombie: p.state === 'Z', children: [] });
  }
  const roots: TreeNode[] = [];
  for (const n of nodes.values()) {
    const parent = nodes.get(n.ppid);
    if (parent && n.ppid !== n.pid) parent.children.push(n);
    else roots.push(n);
  }
  const sort = (a: TreeNode[]): void => {
    a.sort((x, y) => x.pid - y.pid);
    for (const n of a) sort(n.children);
  };
  sort(roots);
  if (nodes.size > maxNodes) {
    // keep the shape readable: collapse zombie leaves beyond the first few per parent
    for (const n of nodes.values()) {
      const z = n.children.filter((c) => c.zombie && c.children.length === 0);
      if (z.length > 5) {
        const keep = new Set(z.slice(0, 3));
        n.children = n.children.filter((c) => !c.zombie || keep.has(c) || c.children.length > 0);
        n.children.push({ pid: -1, ppid: n.pid, name: `… ${z.length - 3} more zombies`, state: 'Z', zombie: true, children: [] });
      }
    }
  }
  return roots;
}

function mainChild(snap: Snapshot): Proc | undefined {
  let best: Proc | undefined;
  for (const p of snap.procs.values()) {
    if (p.ppid === 1 && p.pid !== 1 && p.state !== 'Z' && (!best || p.pid < best.pid)) best = p;
  }
  return best;
}

function stopVerdict(snap: Snapshot, pid1: Proc, info: ContainerInfo, forwards: boolean, pid1Name: string): AuditReport['stop'] {
  const sigName = info.stopSignal ? signalName(signalNumber(info.stopSignal) ?? 15) : 'SIGTERM';
  const sig = signalNumber(sigName) ?? 15;
  const timeout = info.stopTimeout ?? 10;
  const v = disposition(pid1, sig, { pid1: true, forwards });
  const killed = `docker stop will send ${sigName}, wait ${timeout} s and kill it with SIGKILL (exit 137)`;
  if (v.disposition === 'dropped' || v.disposition === 'ignored') {
    const why = v.disposition === 'ignored' ? 'ignores it (SIG_IGN)' : 'has no handler, so the kernel drops it';
    return { signal: sigName, timeoutSeconds: timeout, outcome: 'killed',
      summary: `${killed}: PID 1 (${pid1Name}) ${why}` };
  }
  if (v.disposition === 'handled') {
    return { signal: sigName, timeoutSeconds: timeout, outcome: 'graceful',
      summary: `${sigName} reaches a handler in PID 1 (${pid1Name}); docker stop ends it as soon as the handler exits (within ${timeout} s, or SIGKILL)` };
  }
  if (v.disposition === 'forwarded') {
    const child = mainChild(snap);
    if (!child) {
      return { signal: sigName, timeoutSeconds: timeout, outcome: 'signal-exit',
        summary: `${pid1Name} forwards ${sigName}; it has no child now and exits` };
    }
    const cv = disposition(child, sig, { pid1: false, forwards: knownInit(child)?.forwards ?? false });
    const who = `${pid1Name} forwards ${sigName} to ${child.comm} (pid ${child.pid})`;
    if (cv.disposition === 'ignored') {
      return { signal: sigName, timeoutSeconds: timeout, outcome: 'killed', summary: `${who}, which ignores it: ${killed}` };
    }
    if (cv.disposition === 'handled' || cv.disposition === 'forwarded') {
      return { signal: sigName, timeoutSeconds: timeout, outcome: 'graceful', summary: `${who}, which handles it: a graceful stop` };
    }
    if (cv.disposition === 'default') {
      return { signal: sigName, timeoutSeconds: timeout, outcome: 'signal-exit',
        summary: `${who}, which has no handler and dies of it at once (exit ${128 + sig}); in-flight work is not drained` };
    }
    return { signal: sigName, timeoutSeconds: timeout, outcome: 'unknown', summary: `${who}; what it does with it is not readable` };
  }
  return { signal: sigName, timeoutSeconds: timeout, outcome: 'unknown', summary: `what PID 1 does with ${sigName} is not readable` };
}

function headroom(snap: Snapshot, info: ContainerInfo): AuditReport['pids'] {
  if (snap.pids) {
    // pids.current counted the collector's own shell while it read the file
    const current = Math.max(snap.procs.size, snap.pids.current - (snap.selfPid !== undefined ? 1 : 0));
    return { max: snap.pids.max, current,
      headroom: snap.pids.max === undefined ? undefined : snap.pids.max - current,
      source: snap.pids.max === undefined ? `pids cgroup ${snap.pids.cgroup}: no limit, kernel.pid_max ${snap.pidMax ?? '?'} applies` : `pids cgroup ${snap.pids.cgroup}` };
  }
  const current = snap.procs.size;
  if (info.pidsLimit && info.pidsLimit > 0) {
    return { max: info.pidsLimit, current, headroom: info.pidsLimit - current, source: 'HostConfig.PidsLimit' };
  }
  return { current, source: `no PID limit set: kernel.pid_max ${snap.pidMax ?? '?'} applies` };
}

function pid1Reaps(pid1: Proc, kind: ProcKind, zombiesOfPid1: number): 'yes' | 'no' | 'unknown' {
  if (zombiesOfPid1 > 0) return 'no';
  if (kind === 'init') return 'yes';
  if (pid1.status && hasSignal(pid1.status.sigCgt, 17)) return 'yes';
  return 'unknown';
}

export function analyze(snap: Snapshot, info: ContainerInfo, method: Method): AuditReport {
  const pid1 = snap.procs.get(1);
  if (!pid1) throw new Error('no PID 1 in the snapshot');
  const init = knownInit(pid1);
  const kind = kindOf(pid1);
  const forwards = init?.forwards ?? false;
  const pid1Name = init?.name ?? pid1.comm;
  const signals = {} as Record<AuditedSignal, Disposition>;
  const reasons = {} as Record<AuditedSignal, string>;
  const verdicts = {} as Record<AuditedSignal, SignalVerdict>;
  for (const s of AUDITED_SIGNALS) {
    const v = disposition(pid1, signalNumber(s)!, { pid1: true, forwards });
    verdicts[s] = v;
    signals[s] = v.disposition;
    reasons[s] = v.reason;
  }
  const zombies = zombieRecords(snap);
  const groups = groupZombies(zombies);
  const live = snap.procs.size - zombies.length;
  const stop = stopVerdict(snap, pid1, info, forwards, pid1Name);
  const pids = headroom(snap, info);
  const zOfPid1 = groups.find((g) => g.ppid === 1)?.count ?? 0;
  const report: AuditReport = {
    schema: 'zombie-audit/audit@1',
    container: { id: info.id, name: info.name, image: info.image },
    method,
    methodText: METHOD_TEXT[method],
    pid1: { pid: 1, name: pid1Name, argv: pid1.argv, kind, init: init?.name, signals, signalReasons: reasons,
      reapsChildren: pid1Reaps(pid1, kind, zOfPid1) },
    stop,
    processes: { total: snap.procs.size, live, zombies: zombies.length },
    pids,
    zombies,
    zombieParents: groups,
    tree: buildTree(snap),
    findings: [],
    complete: snap.complete,
  };
  report.findings = findingsFor(report, pid1, snap);
  return report;
}

/** Why PID 1 does what it does with the stop signal (the audited four, or any other). */
function stopReason(r: AuditReport, pid1: Proc): string {
  const short = r.stop.signal.replace(/^SIG/, '') as AuditedSignal;
  if ((AUDITED_SIGNALS as readonly string[]).includes(short)) return r.pid1.signalReasons[short];
  return disposition(pid1, signalNumber(r.stop.signal) ?? 15, { pid1: true, forwards: r.pid1.kind === 'init' }).reason;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function findingsFor(r: AuditReport, pid1: Proc, snap: Snapshot): Finding[] {
  const out: Finding[] = [];
  const where = { container: r.container.name };
  const initFix = 'put an init in front of the app: `docker run --init`, tini or dumb-init as ENTRYPOINT, or `zombie-audit fix`';
  for (const g of r.zombieParents) {
    const ev = [`${plural(g.count, 'zombie')} with parent pid ${g.ppid} (${g.parentName})` +
      (g.oldestSeconds !== undefined ? `, the oldest started ${g.oldestSeconds} s ago` : '')];
    if (g.ppid === 1) {
      ev.push(`PID 1 is ${r.pid1.name} (${r.pid1.kind})`);
      out.push({ id: 'ZA101', severity: 'error', location: { ...where, pid: 1 },
        message: `${plural(g.count, 'zombie')} left unreaped by PID 1 (${r.pid1.name})`,
        evidence: ev, fix: r.pid1.kind === 'init' ? `${r.pid1.name} should reap them: check that it really runs as PID 1 or as a subreaper` : `${initFix}; or make PID 1 call wait() for every child` });
    } else if (g.ppid === 0) {
      out.push({ id: 'ZA102', severity: 'warning', location: where,
        message: `${plural(g.count, 'zombie')} whose parent is outside the container (an exec's engine shim)`,
        evidence: ev, fix: 'they are reaped when the engine collects the exec; if they stay, restart the engine shim' });
    } else {
      const parent = snap.procs.get(g.ppid);
      ev.push(`pid ${g.ppid} is alive (${parent ? label(parent) : '?'}) and has not waited for them; no init can reap them while it lives`);
      out.push({ id: 'ZA102', severity: 'warning', location: { ...where, pid: g.ppid },
        message: `${plural(g.count, 'zombie')} held by pid ${g.ppid} (${g.parentName}), which never waits for its children`,
        evidence: ev, fix: `fix ${g.parentName}: wait for its children (waitpid, a SIGCHLD handler, subprocess.wait()); when it exits they pass to PID 1, which reaps them only if it is an init` });
    }
  }
  if (r.pids.max !== undefined && r.pids.current !== undefined) {
    const used = r.pids.current / r.pids.max;
    if (used >= 0.75) {
      out.push({ id: 'ZA103', severity: used >= 0.9 ? 'error' : 'warning', location: where,
        message: `${r.pids.current} of ${r.pids.max} PIDs in use (${Math.round(used * 100)}%): the container will soon fail to fork`,
        evidence: [`${r.pids.source}: current ${r.pids.current}, max ${r.pids.max}`, `${r.processes.zombies} zombies hold PIDs`],
        fix: 'reap the zombies (see ZA101/ZA102); raise --pids-limit only after the leak is fixed' });
    }
  }
  if (r.stop.outcome === 'killed') {
    const ignoredByChild = r.pid1.kind === 'init';
    out.push({ id: ignoredByChild ? 'ZA204' : 'ZA201', severity: 'error', location: { ...where, pid: 1 },
      message: r.stop.summary,
      evidence: [`PID 1: ${label(pid1)}`, `${r.stop.signal}: ${stopReason(r, pid1)}`, `stop timeout ${r.stop.timeoutSeconds} s`],
      fix: ignoredByChild ? `make the app handle ${r.stop.signal} (or set STOPSIGNAL to one it handles)` :
        `handle ${r.stop.signal} in the app, or ${initFix}` });
  }
  if (r.pid1.kind === 'shell') {
    out.push({ id: 'ZA202', severity: 'warning', location: { ...where, pid: 1 },
      message: `a shell is PID 1 (${label(pid1)}): signals do not reach the app and orphans are not reaped like an init would`,
      evidence: [`PID 1 argv: ${JSON.stringify(pid1.argv ?? [pid1.comm])}`],
      fix: 'use the exec form (CMD ["app", "arg"]), `exec` the last command of the script, or put an init in front' });
  }
  if (r.pid1.kind === 'app' && r.pid1.reapsChildren === 'unknown') {
    out.push({ id: 'ZA203', severity: 'warning', location: { ...where, pid: 1 },
      message: `PID 1 (${r.pid1.name}) is an application with no SIGCHLD handler: orphans handed to it may never be reaped`,
      evidence: [`SigCgt ${pid1.status?.sigCgt.toString(16) ?? '?'}: SIGCHLD not caught`, 'no zombies yet; `zombie-audit probe` proves it'],
      fix: initFix });
  }
  const dropped = (['INT', 'HUP', 'QUIT'] as const).filter((s) => r.pid1.signals[s] === 'dropped');
  if (dropped.length > 0 && r.pid1.kind !== 'init') {
    out.push({ id: 'ZA205', severity: 'info', location: { ...where, pid: 1 },
      message: `PID 1 drops SIG${dropped.join(', SIG')}: ${dropped.includes('INT') ? 'Ctrl-C in `docker run -it` does nothing' : 'these signals do nothing'}`,
      evidence: dropped.map((s) => `SIG${s}: ${r.pid1.signalReasons[s]}`),
      fix: 'handle them in the app, or put an init in front (it forwards them)' });
  }
  return out;
}

