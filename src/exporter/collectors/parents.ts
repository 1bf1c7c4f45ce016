import type { Registry } from 'prom-client';
import { containerGauge, labelsOf, type Collector, type ExporterState } from '../collector.js';

/** zombie_audit_zombies_by_parent{parent_command}: the top N parents per container, the rest as "other". */
export function parentsCollector(registry: Registry): Collector {
  const g = containerGauge(registry, 'zombie_audit_zombies_by_parent',
    'Zombies in the container by the command of their parent (the process that must reap them): the top parents, the rest summed as parent_command="other".',
    ['parent_command']);
  return {
    name: 'parents',
    update(s: ExporterState): void {
      g.reset();
      for (const c of s.sample?.containers ?? []) {
        for (const p of c.parents) g.set(labelsOf(c, { parent_command: p.command }), p.zombies);
      }
    },
  };
}
