import type { Registry } from 'prom-client';
import { containerGauge, labelsOf, type Collector, type ExporterState } from '../collector.js';

/** zombie_audit_findings{id, severity}: the audit's findings now (ids: docs/findings/). */
export function findingsCollector(registry: Registry): Collector {
  const g = containerGauge(registry, 'zombie_audit_findings',
    "The audit's findings for the container now, by id (docs/findings/<id>.md) and severity; absent when there are none.",
    ['id', 'severity']);
  return {
    name: 'findings',
    update(s: ExporterState): void {
      g.reset();
      for (const c of s.sample?.containers ?? []) {
        for (const f of c.findings) g.set(labelsOf(c, { id: f.id, severity: f.severity }), f.count);
      }
    },
  };
}
