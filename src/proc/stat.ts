/** One /proc/PID/stat line as a typed record (proc(5)). */
export interface ProcStat {
  pid: number;
  /** the command name (comm, at most 15 bytes), which may hold spaces and ')' */
  comm: string;
  /** R running, S sleeping, D disk sleep, Z zombie, T stopped, t traced, X dead, I idle */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** start time in clock ticks after boot (field 22) */
  startTicks: number;
  threads: number;
  /** resident set in pages (field 24) */
  rssPages: number;
}

/**
 * Parse a stat line. The name is in parentheses and may itself contain spaces and ')':
 * split at the LAST ')'. Returns undefined for a line that is not a stat line.
 */
export function parseStat(line: string): ProcStat | undefined {
  const open = line.indexOf(' (');
  const close = line.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(line.slice(0, open));
  if (!Number.isInteger(pid) || pid < 1) return undefined;
  const rest = line.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3]
  if (rest.length < 22 || rest[0].length !== 1) return undefined;
  return {
    pid,
    comm: line.slice(open + 2, close),
    state: rest[0],
    ppid: Number(rest[1]),
    pgrp: Number(rest[2]),
    session: Number(rest[3]),
    threads: Number(rest[17]),
    startTicks: Number(rest[19]),
    rssPages: Number(rest[21]),
  };
}

export const STATE_NAMES: Record<string, string> = {
  R: 'running', S: 'sleeping', D: 'disk sleep', Z: 'zombie', T: 'stopped', t: 'traced',
  X: 'dead', I: 'idle', P: 'parked', W: 'waking', K: 'wakekill',
};
