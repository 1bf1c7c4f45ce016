import { onCleanup, runCleanup } from '../cleanup.js';
import { engineFor, reportError } from '../cli/audit.js';
import type { IO } from '../cli/io.js';
import type { Engine } from '../engine/client.js';
import { EXIT, ZaError } from '../engine/errors.js';
import { ExporterMetrics } from './metrics.js';
import type { ExporterOptions, ListenAddress } from './options.js';
import { Sampler } from './sampler.js';
import { createExporterServer, listen, metricsUrl } from './server.js';

export interface RunningExporter {
  address: ListenAddress;
  metrics: ExporterMetrics;
  /** stop sampling (removing a helper in flight), stop serving */
  stop(): Promise<void>;
}

function every(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Serve /metrics on `o.listen` and sample every container every `o.intervalMs`. */
export async function startExporter(engine: Engine, o: ExporterOptions, log: (line: string) => void = () => undefined): Promise<RunningExporter> {
  const metrics = new ExporterMetrics(o.intervalMs);
  const server = createExporterServer(metrics);
  let address: ListenAddress;
  try {
    address = await listen(server, o.listen);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ZaError('USAGE', `cannot listen on ${o.listen.host}:${o.listen.port}: ${code}`,
      code === 'EADDRINUSE' ? 'another process serves that port: pick another with --listen ADDR:PORT'
        : code === 'EADDRNOTAVAIL' ? 'no interface has that address: --listen 127.0.0.1:9719 serves loopback' : undefined);
  }
  let failing = false;
  const sampler = new Sampler(engine, { intervalMs: o.intervalMs, topParents: o.topParents }, (out) => {
    metrics.onOutcome(out);
    if (!out.ok && !failing) log(`sample failed: ${out.error.message} (zombie_audit_sampler_up is 0; retrying every ${every(o.intervalMs)})`);
    if (out.ok && failing) log('sampling again');
    failing = !out.ok;
  }, log);
  sampler.start();
  let stopping: Promise<void> | undefined;
  return {
    address, metrics,
    stop: () => (stopping ??= (async () => {
      const idle = sampler.stop();
      server.close();
      server.closeAllConnections();
      await runCleanup(); // removes a host-wide helper still reading /proc
      await idle;
      await runCleanup(); // and one that was opening meanwhile
    })()),
  };
}

/**
 * `zombie-audit exporter`: runs until SIGTERM, SIGINT or SIGHUP, then stops cleanly (exit 0).
 * It handles those signals itself: as PID 1 of its own image, a signal left at its default is
 * dropped by the kernel.
 */
export async function runExporter(o: ExporterOptions, io: IO): Promise<number> {
  const engine = engineFor(o, io.env);
  const log = (line: string): void => { io.stderr.write(`zombie-audit exporter: ${line}\n`); };
  // cleanup.ts installs exit-on-signal handlers the first time a helper registers its removal;
  // the exporter stops in its own order (stop sampling, remove the helper, stop serving, exit 0)
  onCleanup(() => undefined)();
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeAllListeners(sig);
  let signalled: (sig: string) => void = () => undefined;
  const got = new Promise<string>((r) => { signalled = r; });
  let count = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (++count > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
    signalled(sig);
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, onSignal);
  let ex: RunningExporter;
  try {
    await engine.json('GET', '/version');
    ex = await startExporter(engine, o, log);
  } catch (e) {
    engine.close();
    return reportError(e, io, false);
  }
  log(`serving ${metricsUrl(ex.address)}, sampling every running container every ${every(o.intervalMs)} (${engine.describe()})`);
  const sig = await got;
  log(`${sig}: stopping`);
  await ex.stop();
  engine.close();
  return EXIT.OK;
}
