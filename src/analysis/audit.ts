import type { Finding } from '../findings/model.js';
import type { Proc, Snapshot } from '../proc/snapshot.js';
import { hasSignal } from '../proc/status.js';
import { runtimeOf, type Runtime, type SignalFact, type SignalKey } from '../runtimes/index.js';
import { exitMeaning } from './exit.js';
import { kindOf, label, type ProcKind } from './identify.js';
import { AUDIT_RULES } from './rules/index.js';
import { disposition, signalName, signalNumber, type Disposition, type SignalVerdict } from './signals.js';

export * from './report.js';
import { AUDITED_SIGNALS, METHOD_TEXT, type AuditedSignal, type AuditReport, type ContainerInfo, type Method, type TreeNode, type ZombieGroup, type ZombieRecord } from './report.js';

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

const KEYS: Record<number, SignalKey> = { 15: 'TERM', 2: 'INT', 1: 'HUP', 3: 'QUIT' };

/** What the knowledge base says `rt` does with `sig` when it reaches it (undefined: nothing known). */
export function runtimeFact(rt: Runtime | undefined, sig: number, p: Proc, snap: Snapshot): SignalFact | undefined {
  const key = KEYS[sig];
  if (!rt || !key) return undefined;
  return rt.refine?.(key, p, { procs: [...snap.procs.values()] }) ?? rt.signals[key];
}

type Stop = AuditReport['stop'];

function fromFact(base: Pick<Stop, 'signal' | 'timeoutSeconds'>, f: SignalFact, who: string, rtName: string, probeHint: string): Stop {
  const exit = f.exitCode !== undefined ? ` (exit ${exitMeaning(f.exitCode, { byDesign: f.byDesign, runtime: rtName })})` : '';
  if (f.outcome === 'unknown') {
    return { ...base, outcome: 'unknown', summary: `${who}: ${f.does}. The masks cannot tell which: ${probeHint}` };
  }
  const head = f.outcome === 'graceful' ? 'a graceful stop' : f.outcome === 'signal-exit' ? 'a prompt stop that drains nothing' :
    `docker stop waits ${base.timeoutSeconds} s and kills with SIGKILL (exit 137)`;
  return { ...base, outcome: f.outcome, exitCode: f.outcome === 'killed' ? 137 : f.exitCode, byDesign: f.byDesign,
    summary: `${head}: ${who} ${f.does}${f.outcome === 'killed' ? '' : exit}` };
}

function stopVerdict(snap: Snapshot, pid1: Proc, info: ContainerInfo, rt: Runtime | undefined, pid1Name: string): Stop {
  const sigName = info.stopSignal ? signalName(signalNumber(info.stopSignal) ?? 15) : 'SIGTERM';
  const sig = signalNumber(sigName) ?? 15;
  const timeout = info.stopTimeout ?? 10;
  const base = { signal: sigName, timeoutSeconds: timeout };
  const forwards = rt?.forwards ?? false;
  const probeHint = `run \`zombie-audit probe ${info.name || info.id.slice(0, 12)}\` to find out`;
  const v = disposition(pid1, sig, { pid1: true, forwards });
  const killed = `docker stop will send ${sigName}, wait ${timeout} s and kill it with SIGKILL (exit 137)`;
  if (v.disposition === 'dropped' || v.disposition === 'ignored') {
    const why = v.disposition === 'ignored' ? 'ignores it (SIG_IGN)' : 'has no handler, so the kernel drops it';
    return { ...base, outcome: 'killed', exitCode: 137, summary: `${killed}: PID 1 (${pid1Name}) ${why}` };
  }
  if (v.disposition === 'handled') {
    const f = runtimeFact(rt, sig, pid1, snap);
    if (f) return fromFact(base, f, `PID 1 (${pid1Name})`, rt!.name, probeHint);
    return { ...base, outcome: 'unknown',
      summary: `PID 1 (${pid1Name}) catches ${sigName} (${v.reason}), but a caught bit is not a graceful stop: its handler may exit, drain, re-raise (dropped for PID 1) or do nothing; ${probeHint}` };
  }
  if (v.disposition === 'forwarded') {
    const own = runtimeFact(rt, sig, pid1, snap);
    if (own && own.outcome !== 'unknown') return fromFact(base, own, pid1Name, rt!.name, probeHint);
    const child = mainChild(snap);
    if (!child) {
      return { ...base, outcome: 'signal-exit', summary: `${pid1Name} forwards ${sigName}; it has no child now and exits` };
    }
    const crt = runtimeOf(child);
    const cv = disposition(child, sig, { pid1: false, forwards: crt?.forwards ?? false });
    const who = `${pid1Name} forwards ${sigName} to ${child.comm} (pid ${child.pid})`;
    if (cv.disposition === 'ignored') return { ...base, outcome: 'killed', exitCode: 137, summary: `${who}, which ignores it: ${killed}` };
    if (cv.disposition === 'default') {
      return { ...base, outcome: 'signal-exit', exitCode: 128 + sig,
        summary: `${who}, which has no handler and dies of it at once (exit ${exitMeaning(128 + sig)}); in-flight work is not drained` };
    }
    if (cv.disposition === 'handled' || cv.disposition === 'forwarded') {
      const f = runtimeFact(crt, sig, child, snap);
      // a child that is not PID 1 dies of a re-raised signal: node without a listener exits 128+n
      if (f) return fromFact(base, f, `${who}; ${crt!.name}`, crt!.name, probeHint);
      return { ...base, outcome: 'unknown', summary: `${who}, which catches it: what its handler does is not readable; ${probeHint}` };
    }
    return { ...base, outcome: 'unknown', summary: `${who}; what it does with it is not readable; ${probeHint}` };
  }
  return { ...base, outcome: 'unknown', summary: `what PID 1 does with ${sigName} is not readable; ${probeHint}` };
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

function pid1Reaps(pid1: Proc, kind: ProcKind, rt: Runtime | undefined, zombiesOfPid1: number): { verdict: 'yes' | 'no' | 'unknown'; reason: string } {
  if (rt?.reaps === 'polling') {
    return { verdict: 'yes', reason: `${rt.name}: ${rt.reapNote}` + (zombiesOfPid1 ? `; ${zombiesOfPid1} zombie(s) of PID 1 now may be waiting for its next round` : '') };
  }
  if (zombiesOfPid1 > 0) return { verdict: 'no', reason: `${zombiesOfPid1} zombie(s) whose parent is PID 1 right now` };
  if (rt && rt.reaps !== 'unknown') return { verdict: rt.reaps === 'no' ? 'no' : 'yes', reason: `${rt.name}: ${rt.reapNote}` };
  if (kind === 'init') return { verdict: 'yes', reason: 'a known init: it reaps every child' };
  const chld = pid1.status && hasSignal(pid1.status.sigCgt, 17);
  return { verdict: 'unknown', reason: chld
    ? 'catches SIGCHLD, but whether it waits for any child (waitpid(-1)) or only its own (node, npm, Go) is not readable: `zombie-audit probe` makes an orphan and watches'
    : 'no SIGCHLD handler: it reaps only if it polls (apache2 does): `zombie-audit probe` makes an orphan and watches' };
}

export function analyze(snap: Snapshot, info: ContainerInfo, method: Method): AuditReport {
  const pid1 = snap.procs.get(1);
  if (!pid1) throw new Error('no PID 1 in the snapshot');
  const rt = runtimeOf(pid1);
  const kind = kindOf(pid1);
  const forwards = rt?.forwards ?? false;
  const pid1Name = rt?.name ?? pid1.comm;
  const signals = {} as Record<AuditedSignal, Disposition>;
  const reasons = {} as Record<AuditedSignal, string>;
  const verdicts = {} as Record<AuditedSignal, SignalVerdict>;
  for (const s of AUDITED_SIGNALS) {
    const v = disposition(pid1, signalNumber(s)!, { pid1: true, forwards });
    verdicts[s] = v;
    signals[s] = v.disposition;
    const f = v.disposition === 'handled' ? rt?.signals[s] : undefined;
    reasons[s] = f ? `${v.reason}; ${rt!.name} ${f.does}` : v.reason;
  }
  const zombies = zombieRecords(snap);
  const groups = groupZombies(zombies);
  const live = snap.procs.size - zombies.length;
  const stop = stopVerdict(snap, pid1, info, rt, pid1Name);
  const pids = headroom(snap, info);
  const zOfPid1 = groups.find((g) => g.ppid === 1)?.count ?? 0;
  const reaps = pid1Reaps(pid1, kind, rt, zOfPid1);
  const report: AuditReport = {
    schema: 'zombie-audit/audit@1',
    container: { id: info.id, name: info.name, image: info.image },
    method,
    methodText: METHOD_TEXT[method],
    pid1: { pid: 1, name: pid1Name, argv: pid1.argv, kind, init: kind === 'init' ? rt?.name : undefined, signals, signalReasons: reasons,
      reapsChildren: reaps.verdict, reapsReason: reaps.reason,
      runtime: rt && { id: rt.id, name: rt.name, evidence: rt.evidence, versions: rt.versions, proof: rt.proof, readySeconds: rt.readySeconds } },
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

/** Every audit rule (src/analysis/rules) over the analysed container, in the registry's order. */
export function findingsFor(r: AuditReport, pid1: Proc, snap: Snapshot): Finding[] {
  const ctx = { report: r, pid1, snap, runtime: runtimeOf(pid1) };
  return AUDIT_RULES.flatMap((rule) => rule.check(ctx));
}
