import type { Registry } from 'prom-client';
import { containerGauge, labelsOf, type Collector, type ExporterState } from '../collector.js';

/** zombie_audit_processes, zombie_audit_pids_limit (absent when unlimited) */
export function processesCollector(registry: Registry): Collector {
  const procs = containerGauge(registry, 'zombie_audit_processes', 'Processes in the container, zombies included (each holds a PID).');
  const limit = containerGauge(registry, 'zombie_audit_pids_limit', "The container's PID limit (pids cgroup or HostConfig.PidsLimit); absent when unlimited.");
  return {
    name: 'processes',
    update(s: ExporterState): void {
      procs.reset();
      limit.reset();
      for (const c of s.sample?.containers ?? []) {
        procs.set(labelsOf(c), c.processes);
        if (c.pidsLimit !== undefined && c.pidsLimit > 0) limit.set(labelsOf(c), c.pidsLimit);
      }
    },
  };
}
