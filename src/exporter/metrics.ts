import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Collector, ExporterState } from './collector.js';
import { findingsCollector } from './collectors/findings.js';
import { parentsCollector } from './collectors/parents.js';
import { pid1Collector } from './collectors/pid1.js';
import { processesCollector } from './collectors/processes.js';
import { samplerCollector } from './collectors/sampler.js';
import { zombiesCollector } from './collectors/zombies.js';
import type { SampleOutcome } from './sampler.js';

/**
 * The exporter's registry: prom-client's default process metrics, one collector per concern,
 * and the scrape's own duration. A sample updates every collector at once (off the scrape
 * path); a scrape only renders.
 */
export class ExporterMetrics {
  readonly registry = new Registry();
  /** rendered after the rest, so it can say how long the rest took */
  private readonly tail = new Registry();
  private readonly scrapeDuration: Gauge;
  private readonly collectors: Collector[];
  private readonly sampler: ReturnType<typeof samplerCollector>;
  readonly state: ExporterState;
  /** a failed sample keeps the last good one's series this long, then they go */
  readonly staleAfterMs: number;

  constructor(intervalMs: number) {
    // the event-loop lag monitor's default 10 ms timer alone costs about 1% of a core on a busy
    // 2-core host (measured): sample the lag every second instead
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 1000 });
    this.sampler = samplerCollector(this.registry);
    this.collectors = [zombiesCollector, parentsCollector, processesCollector, pid1Collector, findingsCollector]
      .map((make) => make(this.registry));
    this.collectors.push(this.sampler);
    this.scrapeDuration = new Gauge({ name: 'zombie_audit_scrape_duration_seconds', help: 'How long this /metrics request took to render (it never reads a container: it serves the last sample).', registers: [this.tail] });
    this.state = { intervalMs };
    this.staleAfterMs = Math.max(5 * intervalMs, 60_000);
    this.update();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Take a sampler outcome: a good sample replaces every series; a failed one keeps the last until it is stale. */
  onOutcome(o: SampleOutcome): void {
    if (o.ok) this.state.sample = o.sample;
    else if (this.state.sample && o.at - this.state.sample.at > this.staleAfterMs) this.state.sample = undefined;
    this.state.last = o;
    this.update();
  }

  private update(): void {
    for (const c of this.collectors) c.update(this.state);
  }

  countRenderError(): void {
    this.sampler.errors.inc({ stage: 'render' });
  }

  async render(): Promise<string> {
    const t0 = performance.now();
    const body = await this.registry.metrics();
    this.scrapeDuration.set((performance.now() - t0) / 1000);
    return body + (await this.tail.metrics());
  }
}
