import { parseStat, type ProcStat } from './stat.js';
import { parseStatus, type ProcStatus } from './status.js';

/** Host-mode extras for one process (za-proc --host). */
export interface HostInfo {
  nspid: number[];
  /** the docker container id from /proc/PID/cgroup, absent when the cgroup names none (zombies) */
  container?: string;
  /** the pid namespace inode */
  pidns?: string;
}

export interface Proc extends ProcStat {
  /** argv, when the collector read it (live processes only: zombies have none) */
  argv?: string[];
  status?: ProcStatus;
  wchan?: string;
  /** the first field of /proc/PID/syscall: the syscall number the process sleeps in */
  syscall?: number;
  host?: HostInfo;
}

export interface PidsLimit {
  /** undefined when the limit is "max" */
  max?: number;
  current: number;
  cgroup: 'v1' | 'v2';
}

export interface Snapshot {
  collector: string;
  /** seconds since boot when the snapshot was taken */
  uptime?: number;
  pidMax?: number;
  pids?: PidsLimit;
  /** the collector's own pid, already left out of `procs` */
  selfPid?: number;
  procs: Map<number, Proc>;
  /** false when the end marker is missing: the output was cut short */
  complete: boolean;
}

export class SnapshotError extends Error {}

// head prints "==> NAME <==\n" before the first file and "\n==> NAME <==\n" before the others
const HEADER = /(?:^|\n)==> ([^\n]*) <==(?:\n|$)/g;
const CMDLINE_NAME = /^(?:\/proc\/)?(\d+)\/cmdline$/;

function parseCmdlineBlob(blob: string, procs: Map<number, Proc>): void {
  const heads = [...blob.matchAll(HEADER)];
  for (let i = 0; i < heads.length; i++) {
    const m = heads[i];
    const start = (m.index ?? 0) + m[0].length;
    const end = i + 1 < heads.length ? (heads[i + 1].index ?? blob.length) : blob.length;
    const raw = blob.slice(start, end);
    const name = CMDLINE_NAME.exec(m[1]);
    const proc = name ? procs.get(Number(name[1])) : undefined;
    if (!proc) continue;
    const argv = raw.split('\0');
    if (argv.length > 1 && argv[argv.length - 1] === '') argv.pop();
    if (argv.length === 1 && argv[0] === '') continue;
    proc.argv = argv;
  }
}

function field(line: string, from: number): [number, string] {
  const sp = line.indexOf(' ', from);
  if (sp < 0) return [Number(line.slice(from)), ''];
  return [Number(line.slice(from, sp)), line.slice(sp + 1)];
}

/** Parse a ZA1 snapshot (native/FORMAT.md), from either collector. */
export function parseSnapshot(text: string): Snapshot {
  if (!text.startsWith('ZA1 ')) {
    throw new SnapshotError(`not a zombie-audit snapshot (starts with ${JSON.stringify(text.slice(0, 40))})`);
  }
  const blobAt = text.indexOf('\nB\n');
  const head = blobAt >= 0 ? text.slice(0, blobAt) : text;
  let blob = blobAt >= 0 ? text.slice(blobAt + 3) : '';
  const complete = /\nZ\n?$/.test(blob);
  if (complete) blob = blob.replace(/\nZ\n?$/, '');

  const snap: Snapshot = { collector: '', procs: new Map(), complete };
  const statusLines = new Map<number, string[]>();
  const host = new Map<number, HostInfo>();
  const hostOf = (pid: number): HostInfo => {
    let h = host.get(pid);
    if (!h) host.set(pid, (h = { nspid: [] }));
    return h;
  };
  const extras: Array<[number, 'W' | 'Y', string]> = [];

  for (const line of head.split('\n')) {
    const tag = line[0];
    const rest = line.slice(2);
    switch (tag) {
      case 'S': {
        const st = parseStat(rest);
        if (st && st.pid !== snap.selfPid) snap.procs.set(st.pid, st);
        break;
      }
      case 'T': {
        const [pid, l] = field(line, 2);
        let a = statusLines.get(pid);
        if (!a) statusLines.set(pid, (a = []));
        a.push(l);
        break;
      }
      case 'W':
      case 'Y': {
        const [pid, value] = field(line, 2);
        extras.push([pid, tag, value]);
        break;
      }
      case 'N': {
        const [pid, v] = field(line, 2);
        hostOf(pid).nspid = v.split(/\s+/).filter(Boolean).map(Number);
        break;
      }
      case 'G': {
        const [pid, v] = field(line, 2);
        if (v && v !== '-') hostOf(pid).container = v;
        break;
      }
      case 'I': {
        const [pid, v] = field(line, 2);
        hostOf(pid).pidns = v.replace(/\]$/, '');
        break;
      }
      case 'Z':
        if (line.startsWith('ZA1 ')) snap.collector = line.slice(4).trim();
        break;
      case 'U':
        snap.uptime = Number(rest.split(' ')[0]);
        break;
      case 'M': {
        const n = Number(rest);
        if (rest && Number.isFinite(n)) snap.pidMax = n;
        break;
      }
      case 'L': {
        const [max, current, cg] = rest.split(' ');
        snap.pids = {
          max: max === 'max' ? undefined : Number(max),
          current: Number(current),
          cgroup: cg === 'v2' ? 'v2' : 'v1',
        };
        break;
      }
      case 'X':
        snap.selfPid = Number(rest);
        snap.procs.delete(snap.selfPid);
        break;
      default:
        break;
    }
  }
  for (const [pid, lines] of statusLines) {
    const p = snap.procs.get(pid);
    if (p) p.status = parseStatus(lines);
  }
  for (const [pid, tag, value] of extras) {
    const p = snap.procs.get(pid);
    if (!p) continue;
    if (tag === 'W') p.wchan = value.trim() || undefined;
    else {
      const n = Number(value.split(' ')[0]);
      if (Number.isInteger(n)) p.syscall = n;
    }
  }
  for (const [pid, h] of host) {
    const p = snap.procs.get(pid);
    if (p) p.host = h;
  }
  parseCmdlineBlob(blob, snap.procs);
  // the exec'd collector's children (head) are gone by now; its own pid is excluded above
  return snap;
}
