import type { Proc } from '../proc/snapshot.js';

export type ProcKind = 'init' | 'shell' | 'app';

export interface KnownInit {
  /** the name the report uses */
  name: string;
  /** names (argv[0] or argv[1] basename, or comm) that identify it */
  names: readonly string[];
  /** forwards signals to its child (or children) */
  forwards: boolean;
  note?: string;
}

export const KNOWN_INITS: readonly KnownInit[] = [
  { name: 'tini', names: ['tini', 'tini-static'], forwards: true },
  { name: 'docker-init', names: ['docker-init'], forwards: true, note: "the engine's --init (tini)" },
  { name: 'dumb-init', names: ['dumb-init'], forwards: true },
  { name: 'catatonit', names: ['catatonit'], forwards: true },
  { name: 'zombie-audit-shim', names: ['za-shim'], forwards: true },
  { name: 's6-svscan', names: ['s6-svscan', 's6-linux-init', 'init'], forwards: true,
    note: 's6-overlay: must stay PID 1' },
  { name: 'supervisord', names: ['supervisord'], forwards: true },
  { name: 'runit', names: ['runit', 'runsvdir', 'runit-init'], forwards: true },
  { name: 'systemd', names: ['systemd'], forwards: true },
  { name: 'my_init', names: ['my_init'], forwards: true, note: 'phusion baseimage' },
];

export const SHELLS: readonly string[] = ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox'];

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** The names a process goes by: argv[0], argv[1] for interpreters (python3 /usr/bin/supervisord), comm. */
function names(p: Proc): string[] {
  const out: string[] = [];
  if (p.argv?.[0]) out.push(basename(p.argv[0]));
  if (p.argv?.[1] && !p.argv[1].startsWith('-')) out.push(basename(p.argv[1]));
  out.push(p.comm);
  return out;
}

export function knownInit(p: Proc): KnownInit | undefined {
  const n = names(p);
  const first = n[0] ?? p.comm;
  for (const init of KNOWN_INITS) {
    // /init and /sbin/init are too generic to trust from the name alone, except s6's /init
    if (init.name === 's6-svscan' && first === 'init') {
      if (p.argv?.[0] === '/init' || p.comm === 's6-svscan') return init;
      continue;
    }
    if (n.some((x) => init.names.includes(x))) return init;
  }
  return undefined;
}

export function isShell(p: Proc): boolean {
  const a0 = p.argv?.[0] ? basename(p.argv[0]) : p.comm;
  if (a0 === 'busybox') return SHELLS.includes(p.argv?.[1] ?? '') || p.comm === 'sh';
  return SHELLS.includes(a0) || (p.argv === undefined && SHELLS.includes(p.comm));
}

export function kindOf(p: Proc): ProcKind {
  if (knownInit(p)) return 'init';
  if (isShell(p)) return 'shell';
  return 'app';
}

/** A short label for a process: its argv (cut) or, for zombies and unreadable ones, [comm]. */
export function label(p: Proc, max = 60): string {
  if (!p.argv || p.argv.length === 0) return p.comm;
  const s = p.argv.join(' ');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
