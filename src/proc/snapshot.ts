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
  /**
   * true when the command lines did not frame as their lengths said (a process rewrote its
   * argv between the two reads, or a forgery was attempted): then only PID 1's argv, read
   * first, is kept; every other process goes by its comm
   */
  cmdlineUntrusted?: boolean;
}

export class SnapshotError extends Error {}

/** The snapshot format version both collectors print (native/FORMAT.md). */
export const SNAPSHOT_VERSION = 'ZA2';
const MAX_CMDLINE = 1024;

function field(line: string, from: number): [number, string] {
  const sp = line.indexOf(' ', from);
  if (sp < 0) return [Number(line.slice(from)), ''];
  return [Number(line.slice(from, sp)), line.slice(sp + 1)];
}

function toArgv(raw: string): string[] | undefined {
  const argv = raw.split('\0');
  if (argv.length > 1 && argv[argv.length - 1] === '') argv.pop();
  if (argv.length === 1 && argv[0] === '') return undefined;
  return argv;
}

type Mode = 'lines' | 'stats' | 'lengths' | 'head' | 'raw' | 'skip';

/**
 * A streaming parser of ZA2 snapshots (native/FORMAT.md). Feed it the collector's output as it
 * comes (latin1 text: one character per byte); it returns each snapshot when its end marker
 * `Z` arrives. Its memory is bounded by one snapshot (the processes it describes) plus one
 * unfinished record: it never holds the whole output. Every record is framed by the collector:
 * each line begins with a tag the collector wrote (a newline inside a stat file becomes a `+`
 * continuation line), and command lines, the only content that may hold any byte, are taken by
 * their length, so nothing a process writes into its comm or argv can pass for a record.
 */
export class SnapshotParser {
  private buf = '';
  private mode: Mode = 'lines';
  private snap!: Snapshot;
  private started = false;
  private statusLines = new Map<number, string[]>();
  private host = new Map<number, HostInfo>();
  private extras: Array<[number, 'W' | 'Y', string]> = [];
  private argvs = new Map<number, string[]>();
  private stat?: string;
  /** sh collector: [name, length] from `wc -c`, in order, and where head's output stands */
  private lengths: Array<[string, number]> = [];
  private lengthIndex = new Map<string, number>();
  private next = 0;
  private firstHeader = true;
  private firstRecord = true;
  /** za-proc: the pid and byte count of the command line being read */
  private rawPid = 0;
  private rawLen = 0;

  constructor() { this.reset(); }

  /** the collector's own pid, once its X line is read */
  get selfPid(): number | undefined { return this.snap.selfPid; }

  private reset(): void {
    this.snap = { collector: '', procs: new Map(), complete: false };
    this.started = false;
    this.statusLines = new Map();
    this.host = new Map();
    this.extras = [];
    this.argvs = new Map();
    this.stat = undefined;
    this.lengths = [];
    this.lengthIndex = new Map();
    this.next = 0;
    this.firstHeader = true;
    this.firstRecord = true;
    this.mode = 'lines';
  }

  /** Feed more output; returns the snapshots it completed. */
  feed(text: string): Snapshot[] {
    const done: Snapshot[] = [];
    this.buf = this.buf.length ? this.buf + text : text;
    let pos = 0;
    for (;;) {
      const b = this.buf;
      if (this.mode === 'skip') { pos = Math.max(pos, b.length - 3); break; }
      if (this.mode === 'raw') {
        if (b.length - pos < this.rawLen + 1) break;
        const content = b.slice(pos, pos + this.rawLen);
        if (b[pos + this.rawLen] !== '\n') throw new SnapshotError('a command line record is not followed by a newline');
        pos += this.rawLen + 1;
        const argv = toArgv(content);
        if (argv) this.argvs.set(this.rawPid, argv);
        this.mode = 'lines';
        continue;
      }
      if (this.mode === 'stats') {
        const r = this.statStep(b, pos);
        if (r < 0) break;
        pos = r;
        continue;
      }
      if (this.mode === 'head') {
        const r = this.headStep(b, pos);
        if (r < 0) break;
        pos = r;
        continue;
      }
      const nl = b.indexOf('\n', pos);
      if (nl < 0) break;
      const line = b.slice(pos, nl);
      pos = nl + 1;
      const s = this.line(line);
      if (s) done.push(s);
    }
    this.buf = pos >= this.buf.length ? '' : this.buf.slice(pos);
    return done;
  }

  /** The output ended: a snapshot still open is returned marked incomplete (or complete, when a
   * skipped sh cmdline section is followed by the end marker). */
  end(): Snapshot | undefined {
    if (!this.started) return undefined;
    if (this.mode === 'skip') {
      // the one-shot sh output: the real end marker is the last thing it prints
      const complete = /\nZ\n?$/.test(this.buf) || this.buf === 'Z\n';
      this.buf = '';
      return this.finish(complete);
    }
    if (this.buf === 'Z' && this.mode === 'lines') { this.buf = ''; return this.finish(true); }
    this.buf = '';
    return this.finish(false);
  }

  private line(line: string): Snapshot | undefined {
    const tag = line[0];
    if (!this.started) {
      if (line.startsWith('ZA2 ')) {
        this.reset();
        this.started = true;
        this.snap.collector = line.slice(4).trim();
        return undefined;
      }
      if (/^ZA\d+ /.test(line)) throw new SnapshotError(`snapshot format ${line.split(' ')[0]} is not ${SNAPSHOT_VERSION}: an older or newer collector printed it`);
      throw new SnapshotError(`not a zombie-audit snapshot (starts with ${JSON.stringify(line.slice(0, 40))})`);
    }
    if (tag === '+' && this.stat !== undefined) { this.stat += '\n' + line.slice(2); return undefined; }
    this.flushStat();
    if (this.mode === 'lengths') {
      if (line === 'H') { this.mode = 'head'; return undefined; }
      if (line === 'Z') return this.finish(true);
      const m = /^\s*(\d+)\s(.*)$/.exec(line);
      if (m && m[2] !== 'total') { this.lengthIndex.set(m[2], this.lengths.length); this.lengths.push([m[2], Number(m[1])]); }
      return undefined;
    }
    const rest = line.slice(2);
    switch (tag) {
      case 'S': this.stat = rest; break;
      case 'T': {
        const [pid, l] = field(line, 2);
        let a = this.statusLines.get(pid);
        if (!a) this.statusLines.set(pid, (a = []));
        a.push(l);
        break;
      }
      case 'W':
      case 'Y': {
        const [pid, value] = field(line, 2);
        this.extras.push([pid, tag, value]);
        break;
      }
      case 'N': { const [pid, v] = field(line, 2); this.hostOf(pid).nspid = v.split(/\s+/).filter(Boolean).map(Number); break; }
      case 'G': { const [pid, v] = field(line, 2); if (v && v !== '-') this.hostOf(pid).container = v; break; }
      case 'I': { const [pid, v] = field(line, 2); this.hostOf(pid).pidns = v.replace(/\]$/, ''); break; }
      case 'U': this.snap.uptime = Number(rest.split(' ')[0]); break;
      case 'M': { const n = Number(rest); if (rest && Number.isFinite(n)) this.snap.pidMax = n; break; }
      case 'L': {
        const [max, current, cg] = rest.split(' ');
        this.snap.pids = { max: max === 'max' ? undefined : Number(max), current: Number(current), cgroup: cg === 'v2' ? 'v2' : 'v1' };
        break;
      }
      case 'X': this.snap.selfPid = Number(rest); this.snap.procs.delete(this.snap.selfPid); break;
      case 'P': this.mode = 'stats'; break;
      case 'B': this.mode = this.snap.collector === 'sh' ? 'lengths' : 'lines'; break;
      case 'C': {
        const [pid, len] = rest.split(' ').map(Number);
        if (!Number.isInteger(pid) || !Number.isInteger(len) || len < 0 || len > MAX_CMDLINE) throw new SnapshotError(`bad command line record: ${JSON.stringify(line.slice(0, 40))}`);
        this.rawPid = pid;
        this.rawLen = len;
        this.mode = 'raw';
        break;
      }
      case 'Z': return this.finish(true);
      default: break;
    }
    return undefined;
  }

  private flushStat(): void {
    if (this.stat === undefined) return;
    const st = parseStat(this.stat);
    this.stat = undefined;
    if (st && st.pid !== this.snap.selfPid) this.snap.procs.set(st.pid, st);
  }

  /**
   * One raw stat record of the `P` section (stat files concatenated by `head -q`), or its end
   * `Q`. The kernel writes `PID (COMM) STATE ...numbers\n` with COMM at most 15 bytes of any
   * value but NUL: the real closing parenthesis is the last one within 64 bytes of the opening
   * one (none follows in the numbers), and the record ends at the first newline after it.
   * Returns the new position, or -1 when more input is needed.
   */
  private statStep(b: string, pos: number): number {
    if (b.length - pos < 2) return -1;
    if (b[pos] === 'Q' && b[pos + 1] === '\n') { this.mode = 'lines'; return pos + 2; }
    const open = b.indexOf(' (', pos);
    if (open < 0) { if (b.length - pos > 32) throw new SnapshotError('a stat record without its command name'); return -1; }
    if (open - pos > 12 || !/^\d+$/.test(b.slice(pos, open))) throw new SnapshotError(`not a stat record: ${JSON.stringify(b.slice(pos, pos + 40))}`);
    if (b.length < open + 2 + 66) return -1;
    const close = b.lastIndexOf(')', open + 2 + 64);
    if (close <= open) throw new SnapshotError('a stat record without its closing parenthesis');
    const end = b.indexOf('\n', close);
    if (end < 0) { if (b.length - close > 4096) throw new SnapshotError('a stat record without its end'); return -1; }
    const st = parseStat(b.slice(pos, end));
    if (!st) throw new SnapshotError(`a stat record does not parse: ${JSON.stringify(b.slice(pos, Math.min(end, pos + 60)))}`);
    if (st.pid !== this.snap.selfPid) this.snap.procs.set(st.pid, st);
    return end + 1;
  }

  /**
   * One step through `head -c 1024` output: a header naming a file `wc -c` measured, then exactly
   * min(length, 1024) bytes. Returns the new position, or -1 when more input is needed.
   */
  private headStep(b: string, pos: number): number {
    const lead = this.firstHeader ? '' : '\n';
    if (this.next >= this.lengths.length) {
      // every measured file is read: the script's own newline, then the end marker
      this.mode = 'lines';
      if (b.length - pos < 1) return -1;
      if (b[pos] !== '\n') { this.untrusted(); return pos; }
      return pos + 1;
    }
    const need = lead.length + 4;
    if (b.length - pos < need + 2) return -1;
    if (b.slice(pos, pos + need) !== `${lead}==> `) { this.untrusted(); return pos; }
    const nl = b.indexOf('\n', pos + need);
    if (nl < 0) return b.length - pos > 4200 ? (this.untrusted(), pos) : -1;
    const header = b.slice(pos + need, nl);
    if (!header.endsWith(' <==')) { this.untrusted(); return pos; }
    const name = header.slice(0, -4);
    const at = this.lengthIndex.get(name);
    // a file measured earlier may be gone now (its process exited): head skipped it
    if (at === undefined || at < this.next) { this.untrusted(); return pos; }
    const len = Math.min(this.lengths[at][1], MAX_CMDLINE);
    if (b.length - (nl + 1) < len) return -1;
    const content = b.slice(nl + 1, nl + 1 + len);
    const m = /^(\d+)\/cmdline$/.exec(name);
    if (m && (this.firstRecord || Number(m[1]) !== 1)) {
      const argv = toArgv(content);
      if (argv) this.argvs.set(Number(m[1]), argv);
    }
    this.firstRecord = false;
    this.firstHeader = false;
    this.next = at + 1;
    return nl + 1 + len;
  }

  /** The command lines did not frame: keep PID 1's only if it came first, and skip to the end. */
  private untrusted(): void {
    this.snap.cmdlineUntrusted = true;
    const p1 = this.lengths[0]?.[0] === '1/cmdline' ? this.argvs.get(1) : undefined;
    this.argvs = new Map();
    if (p1) this.argvs.set(1, p1);
    this.mode = 'skip';
  }

  private hostOf(pid: number): HostInfo {
    let h = this.host.get(pid);
    if (!h) this.host.set(pid, (h = { nspid: [] }));
    return h;
  }

  private finish(complete: boolean): Snapshot {
    this.flushStat();
    const snap = this.snap;
    snap.complete = complete;
    for (const [pid, lines] of this.statusLines) {
      const p = snap.procs.get(pid);
      if (p) p.status = parseStatus(lines);
    }
    for (const [pid, tag, value] of this.extras) {
      const p = snap.procs.get(pid);
      if (!p) continue;
      if (tag === 'W') p.wchan = value.trim() || undefined;
      else {
        const n = Number(value.split(' ')[0]);
        if (Number.isInteger(n)) p.syscall = n;
      }
    }
    for (const [pid, h] of this.host) {
      const p = snap.procs.get(pid);
      if (p) p.host = h;
    }
    for (const [pid, argv] of this.argvs) {
      const p = snap.procs.get(pid);
      if (p && p.state !== 'Z') p.argv = argv;
    }
    this.reset();
    return snap;
  }
}

/** Parse one whole ZA2 snapshot (native/FORMAT.md), from either collector. */
export function parseSnapshot(text: string): Snapshot {
  const p = new SnapshotParser();
  const done = p.feed(text);
  if (done.length > 0) return done[0];
  const open = p.end();
  if (!open) throw new SnapshotError(`not a zombie-audit snapshot (starts with ${JSON.stringify(text.slice(0, 40))})`);
  return open;
}
