import type { Registry } from 'prom-client';
import { containerGauge, labelsOf, type Collector, type ExporterState } from '../collector.js';

/** zombie_audit_zombies, zombie_audit_oldest_zombie_age_seconds */
export function zombiesCollector(registry: Registry): Collector {
  const zombies = containerGauge(registry, 'zombie_audit_zombies', 'Zombie (exited, unreaped) processes in the container now.');
  const oldest = containerGauge(registry, 'zombie_audit_oldest_zombie_age_seconds',
    'Age of the oldest zombie in the container, from its start time (the kernel keeps no exit time); absent without zombies.');
  return {
    name: 'zombies',
    update(s: ExporterState): void {
      zombies.reset();
      oldest.reset();
      for (const c of s.sample?.containers ?? []) {
        zombies.set(labelsOf(c), c.zombies);
        if (c.oldestZombieSeconds !== undefined) oldest.set(labelsOf(c), c.oldestZombieSeconds);
      }
    },
  };
}
