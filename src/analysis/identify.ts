import type { Proc } from '../proc/snapshot.js';
import { runtimeOf } from '../runtimes/index.js';

export type ProcKind = 'init' | 'shell' | 'app';

export interface KnownInit {
  /** the name the report uses */
  name: string;
  /** forwards signals to its child (or children) */
  forwards: boolean;
  note?: string;
}

export const SHELLS: readonly string[] = ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox'];

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** The init `p` is, from the runtime knowledge base (src/runtimes): by argv and comm together. */
export function knownInit(p: Proc): KnownInit | undefined {
  const r = runtimeOf(p);
  if (!r || r.kind !== 'init') return undefined;
  return { name: r.name, forwards: r.forwards ?? false, note: r.id === 's6' ? 's6-overlay: must stay PID 1' : undefined };
}

export function isShell(p: Proc): boolean {
  const r = runtimeOf(p);
  if (r) return r.kind === 'shell';
  const a0 = p.argv?.[0] ? basename(p.argv[0]) : p.comm;
  if (a0 === 'busybox') return SHELLS.includes(p.argv?.[1] ?? '') || p.comm === 'sh';
  return SHELLS.includes(a0) || (p.argv === undefined && SHELLS.includes(p.comm));
}

export function kindOf(p: Proc): ProcKind {
  const r = runtimeOf(p);
  if (r) return r.kind;
  return isShell(p) ? 'shell' : 'app';
}

/** A short label for a process: its argv (cut) or, for zombies and unreadable ones, [comm]. */
export function label(p: Proc, max = 60): string {
  if (!p.argv || p.argv.length === 0) return p.comm;
  const s = p.argv.join(' ');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
