import type { Registry } from 'prom-client';
import { containerGauge, labelsOf, type Collector, type ExporterState } from '../collector.js';

/**
 * zombie_audit_pid1_info{kind, runtime, term} = 1: what PID 1 is (init, shell or app; its name)
 * and what it does with SIGTERM; zombie_audit_stop_outcome{outcome, signal} = 1: the audit's
 * prediction for `docker stop` (graceful, signal-exit, killed, unknown).
 */
export function pid1Collector(registry: Registry): Collector {
  const info = containerGauge(registry, 'zombie_audit_pid1_info',
    "PID 1 of the container, always 1: kind (init, shell, app), runtime (the init's or program's name), term (SIGTERM: handled, forwarded, dropped, ignored, default, unknown).",
    ['kind', 'runtime', 'term']);
  const stop = containerGauge(registry, 'zombie_audit_stop_outcome',
    'The predicted outcome of docker stop, always 1: outcome (graceful, signal-exit, killed: waits the grace period and SIGKILLs, unknown) and the stop signal.',
    ['outcome', 'signal']);
  return {
    name: 'pid1',
    update(s: ExporterState): void {
      info.reset();
      stop.reset();
      for (const c of s.sample?.containers ?? []) {
        info.set(labelsOf(c, { kind: c.pid1.kind, runtime: c.pid1.runtime, term: c.pid1.term }), 1);
        stop.set(labelsOf(c, { outcome: c.stop.outcome, signal: c.stop.signal }), 1);
      }
    },
  };
}
