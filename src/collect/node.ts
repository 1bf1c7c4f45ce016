import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZaError } from '../engine/errors.js';
import { parseSnapshot, type PidsLimit, type Proc, type Snapshot } from '../proc/snapshot.js';

/**
 * A container's processes on a node (containerd, no exec): one `za-proc --host` read of the
 * host's /proc, parsed once by the same framed parser as every other read (a process cannot
 * forge a record), then cut to the PID namespace of the container's task (zombies included:
 * their cgroup already reads "/", their ns/pid link and NSpid stay readable) and renumbered as
 * the container sees it. A task that shares its pod's PID namespace (shareProcessNamespace)
 * gives that whole namespace, whose PID 1 is the pause container.
 */
export function nodeSnapshot(host: Snapshot, initHostPid: number, name: string, pids?: PidsLimit): Snapshot {
  const init = host.procs.get(initHostPid);
  if (!init) {
    throw new ZaError('EXITED_DURING_AUDIT', `the task of ${name} (host pid ${initHostPid}) is not in this host's /proc: it exited, or zombie-audit runs outside the host's PID namespace`,
      'run zombie-audit on the node itself, or in a pod with hostPID: true');
  }
  const ns = init.host?.pidns;
  if (!ns) {
    throw new ZaError('ENGINE_PERMISSION', `cannot read the PID namespace of ${name}'s task (host pid ${initHostPid}): reading another process's namespace needs root`,
      'run as root on the node (or with CAP_SYS_PTRACE in a hostPID pod)');
  }
  const toNs = new Map<number, number>();
  for (const p of host.procs.values()) {
    const inner = p.host?.pidns === ns ? p.host.nspid.at(-1) : undefined;
    if (inner !== undefined) toNs.set(p.pid, inner);
  }
  if (![...toNs.values()].includes(1)) {
    throw new ZaError('BAD_OUTPUT', `the PID namespace of ${name}'s task (host pid ${initHostPid}) has no PID 1 in sight`,
      "run zombie-audit on the node itself, in the host's PID namespace");
  }
  const procs = new Map<number, Proc>();
  for (const [hostPid, pid] of toNs) {
    const p = host.procs.get(hostPid)!;
    procs.set(pid, { ...p, pid, ppid: toNs.get(p.ppid) ?? 0 });
  }
  return { collector: host.collector, uptime: host.uptime, pidMax: host.pidMax, pids, procs, complete: host.complete, cmdlineUntrusted: host.cmdlineUntrusted };
}

/** Parse one host read (`za-proc --host` output) for nodeSnapshot. */
export function parseHostRead(text: Buffer | string): Snapshot {
  return parseSnapshot(Buffer.isBuffer(text) ? text.toString('latin1') : text);
}

/**
 * The pids cgroup of a host process (pids.max, pids.current; v1 or v2), read on the host: the
 * container's own limit, which a reader inside could not see either.
 */
export function pidsOfHostPid(hostPid: number, root = '/sys/fs/cgroup', proc = '/proc'): PidsLimit | undefined {
  let cg: string;
  try { cg = readFileSync(`${proc}/${hostPid}/cgroup`, 'utf8'); } catch { return undefined; }
  const lines = cg.split('\n').map((l) => l.split(':'));
  const v1 = lines.find((f) => f.length >= 3 && f[1].split(',').includes('pids'));
  const v2 = lines.find((f) => f.length >= 3 && f[0] === '0' && f[1] === '');
  const tries: Array<[string, 'v1' | 'v2']> = [];
  if (v1) tries.push([join(root, 'pids', v1.slice(2).join(':')), 'v1']);
  if (v2 && existsSync(join(root, 'cgroup.controllers'))) tries.push([join(root, v2.slice(2).join(':')), 'v2']);
  for (const [dir, cgroup] of tries) {
    try {
      const max = readFileSync(join(dir, 'pids.max'), 'utf8').trim();
      const current = readFileSync(join(dir, 'pids.current'), 'utf8').trim();
      if (/^(max|\d+)$/.test(max) && /^\d+$/.test(current)) return { max: max === 'max' ? undefined : Number(max), current: Number(current), cgroup };
    } catch { /* not this one */ }
  }
  return undefined;
}
