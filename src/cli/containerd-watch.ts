import { onCleanup, runCleanup } from '../cleanup.js';
import { ContainerdRuntime } from '../engine/containerd/runtime.js';
import { EXIT, ZaError } from '../engine/errors.js';
import type { ContainerSummary } from '../engine/runtime.js';
import { parseHostRead } from '../collect/node.js';
import { makeStyle, wantColor } from '../render/style.js';
import { sampleOf, type Sample } from '../watch/series.js';
import { reportError } from './errors.js';
import { containerSnapshot } from './containerd.js';
import type { IO } from './io.js';
import { nextRecord } from './watch-record.js';
import { toJSONLine } from '../render/json.js';
import type { RuntimeOptions } from './runtime-flags.js';
import { renderWatchHuman as view } from '../render/watch-human.js';
import type { WatchOptions } from './watch-options.js';

/**
 * `zombie-audit watch <ns/pod/container> --runtime containerd`: each sample is one read of the
 * host's /proc by the node-side reader (the audit's), cut to the task's PID namespace; the same
 * series, rate, projection and output as on Docker. --follow waits for the kubelet's next
 * container of the same namespace/pod/container (a restart is a new containerd container).
 */
export async function runContainerdWatch(o: WatchOptions & RuntimeOptions, io: IO): Promise<number> {
  let rt: ContainerdRuntime | undefined;
  const live = !o.json && !!io.stdout.isTTY;
  try {
    if (o.all) throw new ZaError('USAGE', 'watch --all is not available with --runtime containerd yet', 'watch one container (namespace/pod/container), or use `zombie-audit --all --runtime containerd` for a one-off audit of every pod');
    rt = new ContainerdRuntime({ address: o.address, namespace: o.namespace, timeoutMs: o.timeoutSeconds * 1000 }, io.env);
    const s = await makeStyle(wantColor(io.stdout, io.env));
    if (live) {
      io.stdout.write('\x1b[?25l');
      onCleanup(() => io.stdout.write('\x1b[?25h\n'));
    }
    let c = await rt.find(o.container);
    const samples: Sample[] = [];
    const started = Date.now();
    let n = 0;
    for (;;) {
      const tick = Date.now();
      let snap;
      try {
        snap = containerSnapshot(parseHostRead(await rt.readProcesses(c)), c);
        if (!snap.complete || !snap.procs.has(1)) throw new ZaError('EXITED_DURING_AUDIT', `${c.name}: an incomplete read`);
      } catch (e) {
        const now = await rt.find(c.id).catch(() => undefined);
        const gone = !now || now.state !== 'running' || now.hostPid !== c.hostPid;
        if (!gone && !(e instanceof ZaError && ['NOT_RUNNING', 'NOT_FOUND', 'EXITED_DURING_AUDIT', 'PAUSED'].includes(e.code))) throw e;
        const why = !now ? 'went away' : now.state === 'paused' ? 'is paused' : now.state === 'running' ? 'restarted' : `stopped (${now.state}${now.exitCode !== undefined ? `, exit code ${now.exitCode}` : ''})`;
        const msg = `${c.name} ${why}`;
        if (!o.follow) {
          if (o.json || !io.stdout.isTTY) io.stdout.write(JSON.stringify({ t: new Date().toISOString(), event: msg, end: true }) + '\n');
          io.stderr.write(`zombie-audit: ${msg}; the watch ends\n`);
          return EXIT.ERROR;
        }
        event(io, o, live, `${msg}; waiting for the next ${c.name} (--follow)`);
        c = await waitFor(rt, c, o.intervalMs);
        samples.length = 0;
        event(io, o, live, `following ${c.name} again (${c.id.slice(0, 12)}, host pid ${c.hostPid})`);
        continue;
      }
      const sample = sampleOf(snap, tick, c.pidsLimit);
      const events: string[] = [];
      n++;
      const r = nextRecord(samples, sample, snap, o, c.name, n, tick, events);
      if (live) io.stdout.write('\x1b[H\x1b[2J' + view(r, samples.map((x) => x.zombies), s, o));
      else io.stdout.write(toJSONLine(r));
      if (r.breach) {
        if (live) io.stderr.write(`zombie-audit: ${r.breach}\n`);
        return EXIT.FINDINGS;
      }
      if ((o.count !== undefined && n >= o.count) || (o.durationMs !== undefined && Date.now() - started + o.intervalMs > o.durationMs)) return EXIT.OK;
      await new Promise((res) => setTimeout(res, Math.max(0, o.intervalMs - (Date.now() - tick))));
    }
  } catch (err) {
    return reportError(err, io, o.json || !live);
  } finally {
    await runCleanup();
    rt?.close();
  }
}


function event(io: IO, o: WatchOptions, live: boolean, msg: string): void {
  if (o.json || !live) io.stdout.write(JSON.stringify({ t: new Date().toISOString(), event: msg }) + '\n');
  else io.stderr.write(`${msg}\n`);
}

/** the next running container of the same name (the kubelet's restart), or the same one restarted */
async function waitFor(rt: ContainerdRuntime, old: ContainerSummary, intervalMs: number): Promise<ContainerSummary> {
  for (;;) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const c = await rt.find(old.name).catch(() => undefined);
    if (c && c.state === 'running' && (c.id !== old.id || c.hostPid !== old.hostPid)) return c;
  }
}
