import type { AuditReport } from '../analysis/audit.js';
import type { Disposition } from '../analysis/signals.js';
import type { PodNames } from '../engine/runtime.js';
import { boundLabel, MAX_COMMAND, type ContainerLabelName } from './labels.js';

/**
 * What the exporter keeps of one container between samples: the figures its metrics need and
 * nothing else (no process tree, no zombie list), so memory stays bounded by the number of
 * containers, whatever they hold.
 */
export interface ContainerRecord {
  labels: Partial<Record<ContainerLabelName, string>>;
  zombies: number;
  oldestZombieSeconds?: number;
  /** zombies per parent command: the top N, then "other" */
  parents: Array<{ command: string; zombies: number }>;
  processes: number;
  /** undefined: no limit */
  pidsLimit?: number;
  pid1: { kind: string; runtime: string; term: Disposition };
  stop: { outcome: AuditReport['stop']['outcome']; signal: string };
  findings: Array<{ id: string; severity: string; count: number }>;
}

export interface HostSample {
  /** ms since the epoch, when the sample finished */
  at: number;
  durationMs: number;
  /** how /proc was read: host (one helper in the host PID namespace) or exec (the fallback) */
  method: string;
  containers: ContainerRecord[];
  /** containers that could not be read (not those that went away meanwhile) */
  failures: number;
}

export const OTHER = 'other';

/** Zombies by parent command, the `top` biggest kept, the rest summed as "other". */
export function topParents(groups: AuditReport['zombieParents'], top: number): ContainerRecord['parents'] {
  const byName = new Map<string, number>();
  for (const g of groups) {
    const name = boundLabel(g.parentName, MAX_COMMAND) || '?';
    byName.set(name, (byName.get(name) ?? 0) + g.count);
  }
  const sorted = [...byName].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const out = sorted.slice(0, top).map(([command, zombies]) => ({ command, zombies }));
  const rest = sorted.slice(top).reduce((n, [, c]) => n + c, 0);
  if (rest > 0) {
    const other = out.find((p) => p.command === OTHER);
    if (other) other.zombies += rest;
    else out.push({ command: OTHER, zombies: rest });
  }
  return out;
}

export function toRecord(r: AuditReport, pod: PodNames | undefined, top: number): ContainerRecord {
  const labels: ContainerRecord['labels'] = {
    container_name: boundLabel(r.container.name),
    container_id: r.container.id.slice(0, 12).replace(/[^0-9a-f]/g, ''),
    image: boundLabel(r.container.image),
  };
  if (pod) {
    labels.namespace = boundLabel(pod.namespace);
    labels.pod = boundLabel(pod.pod);
    labels.container = boundLabel(pod.container);
  }
  let oldest: number | undefined;
  for (const z of r.zombies) if (z.ageSeconds !== undefined) oldest = Math.max(oldest ?? 0, z.ageSeconds);
  const findings = new Map<string, { id: string; severity: string; count: number }>();
  for (const f of r.findings) {
    const k = `${f.id}\0${f.severity}`;
    const e = findings.get(k);
    if (e) e.count++;
    else findings.set(k, { id: boundLabel(f.id, 16), severity: f.severity, count: 1 });
  }
  return {
    labels,
    zombies: r.processes.zombies,
    oldestZombieSeconds: oldest,
    parents: topParents(r.zombieParents, top),
    processes: r.processes.total,
    pidsLimit: r.pids.max,
    pid1: { kind: r.pid1.kind, runtime: boundLabel(r.pid1.name, MAX_COMMAND), term: r.pid1.signals.TERM },
    stop: { outcome: r.stop.outcome, signal: boundLabel(r.stop.signal, 16) },
    findings: [...findings.values()],
  };
}
