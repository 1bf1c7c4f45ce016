import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';
import { CONTAINER_LABELS } from './labels.js';
import type { ContainerRecord, HostSample } from './sample.js';
import type { SampleOutcome } from './sampler.js';

/** What every collector reads: the sample to serve (none when there is none, or it went stale) and the last outcome. */
export interface ExporterState {
  /** the sample whose series are served; undefined drops every per-container series */
  sample?: HostSample;
  /** the last sampler outcome, failed or not */
  last?: SampleOutcome;
  intervalMs: number;
}

/**
 * One collector per concern (node_exporter style): it owns its metrics and, on every sample,
 * replaces all of its series with the sample's, so a container that went away loses its series.
 * Collectors run when a sample arrives, never on the scrape path.
 */
export interface Collector {
  readonly name: string;
  update(state: ExporterState): void;
}

export type CollectorFactory = (registry: Registry) => Collector;

/** A per-container gauge: container labels plus `extra`. */
export function containerGauge<E extends string = never>(registry: Registry, name: string, help: string, extra: readonly E[] = []): Gauge<string> {
  return new Gauge({ name, help, labelNames: [...CONTAINER_LABELS, ...extra], registers: [registry] });
}

export function labelsOf(c: ContainerRecord, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.labels)) if (v !== undefined) out[k] = v;
  return { ...out, ...extra };
}
