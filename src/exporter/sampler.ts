import { readFileSync } from 'node:fs';
import { analyze } from '../analysis/audit.js';
import { collect, containerInfo, type InspectJSON } from '../collect/collect.js';
import { HELPER_LABEL } from '../collect/helper.js';
import { scanHost, splitByContainer } from '../collect/host.js';
import { openSnapshotStream, type SnapshotStream } from '../collect/stream.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import type { Snapshot } from '../proc/snapshot.js';
import { pool } from '../cli/scan.js';
import { podNamesOf } from './labels.js';
import { toRecord, type ContainerRecord, type HostSample } from './sample.js';

interface ListedContainer {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string> | null;
}

/**
 * The host-wide read failing for these means the engine will not run it at all (the helper
 * refused the host PID namespace, or za-proc is missing): read each container on its own.
 * Anything else (an unreachable engine, a read cut short on a busy host) fails the sample.
 */
const REFUSED = new Set(['ENGINE_API', 'NO_SHELL']);
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
    if (!(e instanceof ZaError && REFUSED.has(e.code)) || o.stopping?.()) throw e;
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


/** Seconds since boot on this machine, to date a snapshot by its own uptime stamp. */
function uptimeNow(): number | undefined {
  try { return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]); } catch { return undefined; }
}

/**
 * The steady way: one helper container in the host's PID namespace that stays up and prints a
 * snapshot of every process every interval (za-proc --host --every, logging off: nothing goes
 * to disk), so a sample costs the engine no container start, only the listing of containers.
 * Inspects are cached by container id and redone when a container's init is no longer where
 * it was (a restart).
 */
export class HostStream {
  private stream?: SnapshotStream;
  private readonly inspects = new Map<string, InspectJSON>();
  /** set by shutdown(): no helper is opened again */
  private done = false;

  constructor(private readonly engine: Engine, private readonly intervalMs: number) {}

  private async inspect(id: string, fresh = false): Promise<InspectJSON | undefined> {
    if (!fresh && this.inspects.has(id)) return this.inspects.get(id);
    const j = await this.engine.json<InspectJSON>('GET', `/containers/${id}/json`).catch(() => undefined);
    if (j) this.inspects.set(id, j); else this.inspects.delete(id);
    return j;
  }

  /**
   * The next snapshot (opening the helper when there is none), or a rejection after `timeoutMs`.
   * A helper that ended (za-proc stops at a read error on a churning host) is reopened at once,
   * twice at most.
   */
  async next(timeoutMs: number): Promise<Snapshot> {
    for (let attempt = 0; ; attempt++) {
      if (this.done) throw new Error('the sampler is stopping');
      if (!this.stream) {
        const opened = await openSnapshotStream(this.engine, '', this.intervalMs, { host: true });
        if (this.done) { // stopped while it opened: never leave it running
          await opened.close().catch(() => undefined);
          throw new Error('the sampler is stopping');
        }
        this.stream = opened;
      }
      let t: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([this.stream.next(), new Promise<never>((_, reject) => {
          t = setTimeout(() => reject(new ZaError('ENGINE_TIMEOUT', `the host-wide reader printed nothing for ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
        })]);
      } catch (e) {
        await this.close();
        if (this.done || attempt >= 2 || !(e instanceof ZaError && e.code === 'EXITED_DURING_AUDIT')) throw e;
      } finally {
        clearTimeout(t);
      }
    }
  }

  /** Close the helper for good. */
  async shutdown(): Promise<void> {
    this.done = true;
    await this.close();
  }

  async close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    await s?.close().catch(() => undefined);
  }

  /** One sample: the next snapshot, split by container (by its init's PID namespace) and audited. */
  async sample(o: SampleOptions): Promise<HostSample> {
    const snap = await this.next(Math.max(3 * this.intervalMs, 60_000));
    const t0 = performance.now();
    const list = (await this.engine.json<ListedContainer[]>('GET', '/containers/json')).filter((c) => !c.Labels?.[HELPER_LABEL]);
    const ids = new Set(list.map((c) => c.Id));
    for (const id of this.inspects.keys()) if (!ids.has(id)) this.inspects.delete(id);
    const containers: ContainerRecord[] = [];
    let failures = 0;
    await Promise.all(list.map(async (c) => {
      let j = await this.inspect(c.Id);
      const ours = (x: InspectJSON | undefined): x is InspectJSON => !!x && x.State.Running && !!x.State.Pid && x.HostConfig.PidMode !== 'host';
      let sub = ours(j) ? splitByContainer(snap, j.State.Pid!) : undefined;
      if (!sub) {
        j = await this.inspect(c.Id, true); // restarted since it was inspected?
        sub = ours(j) ? splitByContainer(snap, j.State.Pid!) : undefined;
      }
      // not running any more, the host's PID namespace, or sharing another container's (counted there)
      if (!sub || !j) return;
      try {
        containers.push(toRecord(analyze(sub, containerInfo(j), 'host'), podNamesOf(c.Labels), o.topParents));
      } catch {
        failures++;
      }
    }));
    containers.sort((a, b) => (a.labels.container_name ?? '').localeCompare(b.labels.container_name ?? ''));
    // dated by the snapshot's own uptime stamp when this machine is the engine's (same clock)
    const now = Date.now();
    const up = uptimeNow();
    const age = up !== undefined && snap.uptime !== undefined ? (up - snap.uptime) * 1000 : NaN;
    const at = age >= 0 && age < 3 * this.intervalMs + 60_000 ? now - age : now;
    return { at, durationMs: performance.now() - t0, method: 'host', containers, failures };
  }
}

export type SampleOutcome =
  | { ok: true; sample: HostSample }
  | { ok: false; error: Error; at: number; durationMs: number };

/**
 * The background sampler: one sample every `intervalMs`, by the host-wide stream (HostStream)
 * or, where that keeps failing, by one host-wide read per sample (sampleHost; start to start, a
 * sample that takes longer is followed at once by the next, never overlapped). Scrapes read
 * what it last delivered and never wait for it.
 */
export class Sampler {
  private timer?: NodeJS.Timeout;
  private inflight?: Promise<void>;
  private stopped = false;
  private fellBack = false;
  private readonly stream?: HostStream;
  private streamFailures = 0;

  constructor(
    private readonly engine: Engine,
    private readonly o: SampleOptions & { intervalMs: number; oneShot?: boolean },
    private readonly deliver: (o: SampleOutcome) => void,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    if (!o.oneShot) this.stream = new HostStream(engine, o.intervalMs);
  }

  start(): void {
    this.stopped = false;
    this.tick();
  }

  /** By the stream while it works; after 3 failures in a row, by one host-wide read per sample (scanHost). */
  private async once(): Promise<{ sample: HostSample; streamed: boolean }> {
    const opts: SampleOptions = {
      topParents: this.o.topParents,
      stopping: () => this.stopped,
      onFallback: (why) => {
        if (!this.fellBack) this.log(`host-wide read not possible (${why}); reading each container on its own`);
        this.fellBack = true;
      },
    };
    if (this.stream && this.streamFailures < 3) {
      try {
        const sample = await this.stream.sample(opts);
        this.streamFailures = 0;
        return { sample, streamed: true };
      } catch (e) {
        if (this.stopped || (e instanceof ZaError && (e.code === 'ENGINE_UNREACHABLE' || e.code === 'ENGINE_PERMISSION'))) throw e;
        if (++this.streamFailures === 3) this.log(`the host-wide reader keeps failing (${(e as Error).message}); one host-wide read per sample from now on`);
      }
    }
    return { sample: await sampleHost(this.engine, opts), streamed: false };
  }

  private tick(): void {
    if (this.stopped) return;
    const t0 = Date.now();
    const p0 = performance.now();
    let streamed = false;
    this.inflight = this.once().then(
      (r) => { streamed = r.streamed; if (!this.stopped) this.deliver({ ok: true, sample: r.sample }); },
      (error: Error) => { if (!this.stopped) this.deliver({ ok: false, error, at: Date.now(), durationMs: performance.now() - p0 }); },
    ).finally(() => {
      this.inflight = undefined;
      if (!this.stopped) {
        // the stream paces itself (a snapshot every interval); a one-shot read is paced here
        this.timer = setTimeout(() => this.tick(), streamed ? 0 : Math.max(0, this.o.intervalMs - (Date.now() - t0)));
      }
    });
  }

  /** No more samples; resolves when the one in flight (if any) has ended, or after `waitMs`. */
  async stop(waitMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.stream?.shutdown();
    if (this.inflight) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([this.inflight, new Promise((r) => { t = setTimeout(r, waitMs); })]);
      clearTimeout(t);
    }
  }
}
