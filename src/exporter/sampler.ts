import { analyze } from '../analysis/audit.js';
import { collect, containerInfo } from '../collect/collect.js';
import { HELPER_LABEL } from '../collect/helper.js';
import { scanHost } from '../collect/host.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { pool } from '../cli/scan.js';
import { podNamesOf } from './labels.js';
import { toRecord, type ContainerRecord, type HostSample } from './sample.js';

interface ListedContainer {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string> | null;
}

/** Errors the host-wide read cannot get past by reading container by container. */
const FATAL = new Set(['ENGINE_UNREACHABLE', 'ENGINE_PERMISSION', 'ENGINE_TIMEOUT']);
/** Containers that went away, or are not ours to read: not failures. */
const NOT_FAILURES = new Set(['NOT_FOUND', 'NOT_RUNNING', 'EXITED_DURING_AUDIT', 'HOST_PID', 'PAUSED']);

export interface SampleOptions {
  topParents: number;
  /** told once when the host-wide read is refused and the sampler reads container by container */
  onFallback?: (why: string) => void;
  /** true once the exporter is stopping: a read cut short then is not a reason to fall back */
  stopping?: () => boolean;
}

/**
 * One sample of every running container on the engine: one helper container in the host's PID
 * namespace reads every process once (scanHost), each container's share is audited, and only the
 * figures the metrics need are kept. Where the engine refuses the host PID namespace, each
 * container is read on its own (collect: a read-only script by exec, or a helper in its PID
 * namespace), four at a time. Nothing is written into any container, nothing is signalled.
 */
export async function sampleHost(engine: Engine, o: SampleOptions): Promise<HostSample> {
  const t0 = performance.now();
  const list = (await engine.json<ListedContainer[]>('GET', '/containers/json'))
    .filter((c) => !c.Labels?.[HELPER_LABEL]); // our own (and other runs') short-lived /proc readers
  const pods = new Map(list.map((c) => [c.Id, podNamesOf(c.Labels)]));
  let method = 'host';
  let failures = 0;
  const containers: ContainerRecord[] = [];
  try {
    const r = await scanHost(engine, list.map((c) => c.Id));
    for (const rep of r.reports) containers.push(toRecord(rep, pods.get(rep.container.id), o.topParents));
    failures = r.skipped.filter((s) => !NOT_FAILURES.has(s.code)).length;
  } catch (e) {
    if ((e instanceof ZaError && FATAL.has(e.code)) || o.stopping?.()) throw e;
    method = 'exec';
    o.onFallback?.((e as Error).message);
    const res = await pool(list, 4, async (c) => {
      const got = await collect(engine, c.Id);
      return analyze(got.snapshot, containerInfo(got.inspect), got.method);
    });
    for (const x of res) {
      if (x.status === 'fulfilled') containers.push(toRecord(x.value, pods.get(x.value.container.id), o.topParents));
      else if (!(x.reason instanceof ZaError && NOT_FAILURES.has(x.reason.code))) failures++;
    }
  }
  containers.sort((a, b) => (a.labels.container_name ?? '').localeCompare(b.labels.container_name ?? ''));
  return { at: Date.now(), durationMs: performance.now() - t0, method, containers, failures };
}

export type SampleOutcome =
  | { ok: true; sample: HostSample }
  | { ok: false; error: Error; at: number; durationMs: number };

/**
 * The background sampler: one sample every `intervalMs` (measured start to start; a sample that
 * takes longer is followed at once by the next, never overlapped). Scrapes read what it last
 * delivered and never wait for it.
 */
export class Sampler {
  private timer?: NodeJS.Timeout;
  private inflight?: Promise<void>;
  private stopped = false;
  private fellBack = false;

  constructor(
    private readonly engine: Engine,
    private readonly o: SampleOptions & { intervalMs: number },
    private readonly deliver: (o: SampleOutcome) => void,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  start(): void {
    this.stopped = false;
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    const t0 = Date.now();
    const p0 = performance.now();
    this.inflight = sampleHost(this.engine, {
      topParents: this.o.topParents,
      stopping: () => this.stopped,
      onFallback: (why) => {
        if (!this.fellBack) this.log(`host-wide read not possible (${why}); reading each container on its own`);
        this.fellBack = true;
      },
    }).then(
      (sample) => { if (!this.stopped) this.deliver({ ok: true, sample }); },
      (error: Error) => { if (!this.stopped) this.deliver({ ok: false, error, at: Date.now(), durationMs: performance.now() - p0 }); },
    ).finally(() => {
      this.inflight = undefined;
      if (!this.stopped) {
        this.timer = setTimeout(() => this.tick(), Math.max(0, this.o.intervalMs - (Date.now() - t0)));
      }
    });
  }

  /** No more samples; resolves when the one in flight (if any) has ended, or after `waitMs`. */
  async stop(waitMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.inflight) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([this.inflight, new Promise((r) => { t = setTimeout(r, waitMs); })]);
      clearTimeout(t);
    }
  }
}
