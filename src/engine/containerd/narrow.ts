/**
 * Cut one container out of a host-wide ZA1 snapshot (`za-proc --host`, native/FORMAT.md), as
 * ZA1 text in the container's own pid numbering: what `za-proc` run inside the container's PID
 * namespace would print, without entering it. A container's processes are those in the pid
 * namespace of its init (the task's pid): zombies included, whose cgroup already reads "/" but
 * whose ns/pid link and NSpid stay readable. Text in, text out: the engine layer parses nothing
 * (collect and proc do).
 */

// head prints "==> NAME <==\n" before the first file and "\n==> NAME <==\n" before the others
const HEADER = /(?:^|\n)==> \/proc\/(\d+)\/cmdline <==(?:\n|$)/g;

export interface NarrowResult {
  text: string;
  /** host pid -> pid in the container */
  pids: Map<number, number>;
}

export type NarrowFailure = 'no-init' | 'no-namespace' | 'not-pid1';

/** Rewrite the pid (and ppid, pgrp, session) fields of a stat line; undefined: not a member. */
function rewriteStat(line: string, map: Map<number, number>): string | undefined {
  const sp = line.indexOf(' ');
  const close = line.lastIndexOf(')');
  if (sp < 0 || close < sp) return undefined;
  const pid = map.get(Number(line.slice(0, sp)));
  if (pid === undefined) return undefined;
  const rest = line.slice(close + 2).split(' ');
  // rest[0] state, rest[1] ppid, rest[2] pgrp, rest[3] session: outside the namespace they read 0
  for (let i = 1; i <= 3 && i < rest.length; i++) rest[i] = String(map.get(Number(rest[i])) ?? 0);
  return `${pid} ${line.slice(sp + 1, close + 1)} ${rest.join(' ')}`;
}

/**
 * The snapshot of the container whose init has host pid `initHostPid`, or why not:
 * `no-init` (not in the snapshot: gone, or the reader is not in the host's PID namespace),
 * `no-namespace` (its ns/pid link was unreadable: the reader is not root), `not-pid1` (no PID 1 of its
 * namespace in sight). A task that shares a pod's PID namespace (shareProcessNamespace) gives
 * that whole namespace, whose PID 1 is the pause container. `extraHead` lines (e.g. the pids cgroup's `L`
 * line) go after the header.
 */
export function narrowToContainer(hostText: string, initHostPid: number, extraHead: string[] = []): NarrowResult | NarrowFailure {
  const blobAt = hostText.indexOf('\nB\n');
  const head = blobAt >= 0 ? hostText.slice(0, blobAt) : hostText;
  const blob = blobAt >= 0 ? hostText.slice(blobAt + 3) : '';
  const lines = head.split('\n');
  const ns = new Map<number, string>();
  const inner = new Map<number, number>();
  let seen = false;
  for (const l of lines) {
    if (l.startsWith('I ')) {
      const [, pid, inode] = l.split(' ');
      ns.set(Number(pid), inode.replace(/\]$/, ''));
    } else if (l.startsWith('N ')) {
      const sp = l.indexOf(' ', 2);
      const nspid = l.slice(sp + 1).split(/\s+/).filter(Boolean);
      inner.set(Number(l.slice(2, sp)), Number(nspid.at(-1)));
    } else if (l.startsWith(`S ${initHostPid} (`)) seen = true;
  }
  if (!seen) return 'no-init';
  const target = ns.get(initHostPid);
  if (!target) return 'no-namespace';
  const map = new Map<number, number>();
  for (const [pid, inode] of ns) {
    const i = inner.get(pid);
    if (inode === target && i !== undefined) map.set(pid, i);
  }
  // a pod with shareProcessNamespace: the task is not PID 1, the pause container is; the
  // namespace is audited as a whole (what signals and orphans meet is that PID 1)
  if (![...map.values()].includes(1)) return 'not-pid1';

  const out: string[] = [];
  for (const l of lines) {
    const tag = l[0];
    if (l.startsWith('ZA1 ')) { out.push(l, ...extraHead); continue; }
    if (tag === 'U' || tag === 'M' || tag === 'L') { out.push(l); continue; }
    if (tag === 'S') {
      const s = rewriteStat(l.slice(2), map);
      if (s !== undefined) out.push(`S ${s}`);
      continue;
    }
    if (tag === 'T' || tag === 'W' || tag === 'Y') {
      const sp = l.indexOf(' ', 2);
      const pid = map.get(Number(l.slice(2, sp < 0 ? undefined : sp)));
      if (pid !== undefined) out.push(`${tag} ${pid}${sp < 0 ? '' : l.slice(sp)}`);
    }
    // X (the reader itself, outside), N, G, I (host-mode extras, host numbering): left out
  }
  let text = out.join('\n') + '\n';
  if (blobAt >= 0) {
    const complete = /\nZ\n?$/.test(blob) || blob === 'Z\n' || blob === 'Z';
    const body = blob.replace(/(^|\n)Z\n?$/, '');
    const heads = [...body.matchAll(HEADER)];
    const parts: string[] = [];
    for (let i = 0; i < heads.length; i++) {
      const m = heads[i];
      const pid = map.get(Number(m[1]));
      if (pid === undefined) continue;
      const start = (m.index ?? 0) + m[0].length;
      const end = i + 1 < heads.length ? (heads[i + 1].index ?? body.length) : body.length;
      parts.push(`==> /proc/${pid}/cmdline <==\n${body.slice(start, end)}`);
    }
    text += 'B\n' + parts.join('\n') + (complete ? (parts.length ? '\nZ\n' : 'Z\n') : '');
  }
  return { text, pids: map };
}
