import type { Proc } from '../proc/snapshot.js';
import { hasSignal } from '../proc/status.js';

export type Disposition = 'handled' | 'forwarded' | 'dropped' | 'ignored' | 'default' | 'unknown';

export const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22,
  SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29,
  SIGPWR: 30, SIGSYS: 31,
};

/** "TERM", "SIGTERM", "15", "SIGRTMIN+3" → a signal number, or undefined. */
export function signalNumber(name: string | undefined): number | undefined {
  if (!name) return undefined;
  const s = name.trim().toUpperCase();
  if (/^\d+$/.test(s)) return Number(s);
  const full = s.startsWith('SIG') ? s : 'SIG' + s;
  if (full in SIGNALS) return SIGNALS[full];
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(full);
  if (rt) return 34 + Number(rt[1] ?? 0);
  return undefined;
}

export function signalName(n: number): string {
  for (const [k, v] of Object.entries(SIGNALS)) if (v === n) return k;
  return n >= 34 ? `SIGRTMIN+${n - 34}` : `SIG${n}`;
}

/** rt_sigtimedwait is syscall 128 on x86_64 and 137 on arm64 (neither is a sleeping call on the other). */
const SIGTIMEDWAIT_SYSCALLS = new Set([128, 137]);

/**
 * Whether the process sleeps waiting for signals (sigtimedwait, sigwaitinfo or a signalfd read).
 * While it does, the kernel swaps the waited signals out of SigBlk, so the masks read empty
 * although the signals reach it (tini and dumb-init as PID 1 look like that).
 */
export function waitsForSignals(p: Proc): boolean {
  if (p.wchan && /sigtimedwait|signalfd/.test(p.wchan)) return true;
  return p.syscall !== undefined && SIGTIMEDWAIT_SYSCALLS.has(p.syscall);
}

export interface SignalVerdict {
  disposition: Disposition;
  /** why, in a few words */
  reason: string;
}

/**
 * What `sig` does to `p`. For PID 1 (of the namespace) the kernel delivers only signals the
 * process catches or blocks: a signal left at SIG_DFL is dropped (kernel/signal.c,
 * sig_task_ignored with SIGNAL_UNKILLABLE). `forwards` says the process is an init that passes
 * what it receives on to its child.
 */
export function disposition(p: Proc, sig: number, opts: { pid1: boolean; forwards: boolean }): SignalVerdict {
  const st = p.status;
  const receives = opts.forwards ? 'forwarded' : 'handled';
  if (!st) return { disposition: 'unknown', reason: 'status not readable' };
  if (sig === 9 || sig === 19) {
    return opts.pid1
      ? { disposition: 'dropped', reason: 'SIGKILL/SIGSTOP reach PID 1 only from outside its namespace' }
      : { disposition: 'default', reason: 'cannot be caught' };
  }
  if (hasSignal(st.sigIgn, sig)) return { disposition: 'ignored', reason: 'set to SIG_IGN (SigIgn)' };
  if (hasSignal(st.sigCgt, sig)) return { disposition: receives, reason: 'caught by a handler (SigCgt)' };
  if (hasSignal(st.sigBlk, sig)) return { disposition: receives, reason: 'blocked: picked up with sigwait or a signalfd (SigBlk)' };
  if (waitsForSignals(p)) {
    return { disposition: receives, reason: `waits for signals (${p.wchan ?? 'syscall ' + p.syscall}): masks read empty meanwhile` };
  }
  if (opts.forwards) return { disposition: 'forwarded', reason: 'a known init that forwards signals' };
  if (opts.pid1) return { disposition: 'dropped', reason: 'no handler: the kernel drops it for PID 1' };
  return { disposition: 'default', reason: 'no handler: the default action (most signals terminate)' };
}
