import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { Collector, ExporterState } from '../collector.js';

/** The sampler's own health: how long a sample takes, when one last succeeded, what failed. */
export function samplerCollector(registry: Registry): Collector & { errors: Counter<'stage'> } {
  const registers = [registry];
  const duration = new Gauge({ name: 'zombie_audit_sampler_duration_seconds', help: 'Wall time of the last sample of every container (one host-wide read).', registers });
  const success = new Gauge({ name: 'zombie_audit_sampler_last_success_timestamp_seconds', help: 'When the last sample succeeded (Unix time); 0 before the first.', registers });
  const up = new Gauge({ name: 'zombie_audit_sampler_up', help: '1 when the last sample succeeded, 0 when it failed.', registers });
  const interval = new Gauge({ name: 'zombie_audit_sampler_interval_seconds', help: 'The time between samples (--interval).', registers });
  const containers = new Gauge({ name: 'zombie_audit_containers', help: 'Containers in the sample being served.', registers });
  const hostWide = new Gauge({ name: 'zombie_audit_sampler_host_read', help: "1 when the last sample read every container with one helper in the host's PID namespace, 0 when it read each on its own.", registers });
  const errors = new Counter({
    name: 'zombie_audit_scrape_errors_total',
    help: 'Errors: stage="sample" a whole sample failed, "container" a container could not be read, "render" a /metrics request failed.',
    labelNames: ['stage'], registers,
  });
  for (const stage of ['sample', 'container', 'render']) errors.inc({ stage }, 0);
  success.set(0);
  return {
    name: 'sampler',
    errors,
    update(s: ExporterState): void {
      interval.set(s.intervalMs / 1000);
      containers.set(s.sample?.containers.length ?? 0);
      const last = s.last;
      if (!last) return;
      if (last.ok) {
        duration.set(last.sample.durationMs / 1000);
        success.set(last.sample.at / 1000);
        up.set(1);
        hostWide.set(last.sample.method === 'host' ? 1 : 0);
        if (last.sample.failures > 0) errors.inc({ stage: 'container' }, last.sample.failures);
      } else {
        duration.set(last.durationMs / 1000);
        up.set(0);
        errors.inc({ stage: 'sample' });
      }
    },
  };
}
