// The audit report's shape, apart from the code that fills it (analysis/audit.ts) so that the
// rules (analysis/rules/) can read it without importing the analysis that runs them.
import type { Finding } from '../findings/model.js';
import type { ProcKind } from './identify.js';
import type { Disposition } from './signals.js';

/** What the audit needs to know of a container, from the engine's inspect. */
export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  /** Config.StopSignal, or undefined for the default SIGTERM */
  stopSignal?: string;
  /** Config.StopTimeout, or undefined for the engine's default (10 s) */
  stopTimeout?: number;
  /** HostConfig.PidsLimit (0, -1 or undefined: unlimited) */
  pidsLimit?: number;
  /** HostConfig.Init: started with --init */
  init?: boolean;
}

export type Method = 'exec' | 'helper' | 'host';

export const METHOD_TEXT: Record<Method, string> = {
  exec: 'one docker exec of /bin/sh reading /proc (builtins only; nothing written)',
  helper: "a helper container in the container's PID namespace running za-proc (no shell needed; nothing written into the container)",
  host: "one helper container in the host's PID namespace reading every container's /proc (read only)",
};

export interface ZombieRecord {
  pid: number;
  name: string;
  ppid: number;
  parentName: string;
  /** who can reap it: PID 1 (the init's job) or its live parent (that process's bug) */
  reaper: 'pid1' | 'parent';
  /** seconds since the process started (the kernel keeps no exit time for a zombie) */
  ageSeconds?: number;
}

export interface ZombieGroup {
  ppid: number;
  parentName: string;
  reaper: 'pid1' | 'parent';
  count: number;
  oldestSeconds?: number;
}

export const AUDITED_SIGNALS = ['TERM', 'INT', 'HUP', 'QUIT'] as const;
export type AuditedSignal = (typeof AUDITED_SIGNALS)[number];

export interface AuditReport {
  schema: 'zombie-audit/audit@1';
  container: { id: string; name: string; image: string };
  method: Method;
  methodText: string;
  pid1: {
    pid: 1;
    name: string;
    argv?: string[];
    kind: ProcKind;
    init?: string;
    signals: Record<AuditedSignal, Disposition>;
    signalReasons: Record<AuditedSignal, string>;
    reapsChildren: 'yes' | 'no' | 'unknown';
    /** why (added in 0.2) */
    reapsReason?: string;
    /** the runtime PID 1 was recognized as (src/runtimes; added in 0.2) */
    runtime?: { id: string; name: string; evidence: 'measured' | 'source'; versions: string; proof?: string; readySeconds: number };
  };
  stop: {
    signal: string;
    timeoutSeconds: number;
    outcome: 'graceful' | 'signal-exit' | 'killed' | 'unknown';
    summary: string;
    /** the exit code docker stop will end with, where known (added in 0.2) */
    exitCode?: number;
    /** that exit code is the runtime's normal end after a clean shutdown (JVM 143) */
    byDesign?: boolean;
  };
  processes: { total: number; live: number; zombies: number };
  pids: { max?: number; current?: number; headroom?: number; source: string };
  zombies: ZombieRecord[];
  zombieParents: ZombieGroup[];
  tree: TreeNode[];
  findings: Finding[];
  complete: boolean;
}

export interface TreeNode {
  pid: number;
  ppid: number;
  name: string;
  state: string;
  zombie: boolean;
  children: TreeNode[];
}
