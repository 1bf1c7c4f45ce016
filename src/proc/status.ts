/** The fields of /proc/PID/status the audit uses. */
export interface ProcStatus {
  name?: string;
  /** signal masks; signal N is bit N-1 */
  sigBlk: bigint;
  sigIgn: bigint;
  sigCgt: bigint;
  /** the pid in each namespace, outermost first */
  nspid: number[];
  uid?: number;
  threads?: number;
}

function mask(value: string | undefined): bigint {
  if (!value || !/^[0-9a-fA-F]+$/.test(value)) return 0n;
  return BigInt('0x' + value);
}

/** Parse the lines of /proc/PID/status ("Key:\tvalue"). */
export function parseStatus(lines: readonly string[]): ProcStatus {
  const f = new Map<string, string>();
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) f.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const uid = f.get('Uid')?.split(/\s+/)[0];
  const threads = f.get('Threads');
  return {
    name: f.get('Name'),
    sigBlk: mask(f.get('SigBlk')),
    sigIgn: mask(f.get('SigIgn')),
    sigCgt: mask(f.get('SigCgt')),
    nspid: (f.get('NSpid') ?? '').split(/\s+/).filter(Boolean).map(Number),
    uid: uid === undefined ? undefined : Number(uid),
    threads: threads === undefined ? undefined : Number(threads),
  };
}

/** Whether signal number `sig` is set in `m`. */
export function hasSignal(m: bigint, sig: number): boolean {
  return ((m >> BigInt(sig - 1)) & 1n) === 1n;
}
