import { runCleanup } from '../cleanup.js';
import { assertSignal } from '../probe/term.js';
import { probe } from '../probe/probe.js';
import { toJSON } from '../render/json.js';
import { renderProbeHuman } from '../render/probe-human.js';
import { wantColor } from '../render/style.js';
import { ENGINE_FLAGS, toEngineOptions, UsageError, type FlagSpec } from './audit-options.js';
import { parseDuration } from './options.js';
import { engineFor, exitFor } from './shared.js';
import type { IO } from './io.js';
import type { ProbeCliOptions } from './probe-options.js';
import { RUNTIME_FLAGS, toRuntimeOptions } from './runtime-flags.js';

export const PROBE_FLAGS = {
  signal: { type: 'string', multiple: true, description: 'signal(s) to test (TERM, INT, HUP, QUIT, ...); default: the container\'s stop signal. Ctrl-C in docker run -it is INT' },
  live: { type: 'boolean', description: 'run the stop test on the real container (it is stopped, then started again); needs --yes' },
  yes: { type: 'boolean', description: 'confirm --live: you accept that the container is stopped' },
  'leave-stopped': { type: 'boolean', description: 'with --live: do not start the container again' },
  grace: { type: 'string', kind: 'duration', description: "how long docker stop waits before SIGKILL in the test (default: the container's stop timeout, or 10s)" },
  settle: { type: 'string', kind: 'duration', default: '1s', description: 'how long the sandbox copy runs before it is stopped' },
  'zombie-timeout': { type: 'string', kind: 'duration', description: 'how long to watch whether PID 1 reaps the orphan (default: adaptive, up to 5s: a polling reaper such as apache2 takes up to a second)' },
  'ready-timeout': { type: 'string', kind: 'duration', default: '60s', description: 'how long the sandbox copy may take to look like the live container (same commands and signal masks) before it is signalled; then "not ready", no verdict' },
  only: { type: 'string', options: ['zombie', 'term'], description: 'run only the zombie probe or only the TERM probe' },
  ...ENGINE_FLAGS,
  ...RUNTIME_FLAGS,
} as const satisfies Record<string, FlagSpec>;

export type { ProbeCliOptions } from './probe-options.js';

export function toProbeOptions(flags: Record<string, unknown>, args: string[], env: NodeJS.ProcessEnv = process.env): ProbeCliOptions {
  if (args.length !== 1) throw new UsageError('name one container to probe');
  if (flags.live && !flags.yes) {
    throw new UsageError(`--live stops the real container ${args[0]}: add --yes to confirm, or leave --live out to test on a sandbox copy`);
  }
  const sigs = ((flags.signal as string[] | undefined) ?? []).flatMap((s) => s.split(',')).filter(Boolean);
  let signals: number[];
  try { signals = sigs.map(assertSignal); } catch (e) { throw new UsageError((e as Error).message); }
  if (flags.live && signals.length > 1) throw new UsageError('--live tests one signal at a time');
  return {
    ...toEngineOptions(flags, env),
    container: args[0], signals, live: !!flags.live, leaveStopped: !!flags['leave-stopped'],
    graceSeconds: flags.grace === undefined ? undefined : parseDuration('grace', String(flags.grace)) / 1000,
    settleMs: parseDuration('settle', String(flags.settle ?? PROBE_FLAGS.settle.default)),
    zombieTimeoutMs: flags['zombie-timeout'] === undefined ? undefined : parseDuration('zombie-timeout', String(flags['zombie-timeout'])),
    readyTimeoutMs: parseDuration('ready-timeout', String(flags['ready-timeout'] ?? PROBE_FLAGS['ready-timeout'].default)),
    only: flags.only as 'zombie' | 'term' | undefined,
    ...toRuntimeOptions(flags, (m) => new UsageError(m)),
  };
}


export { renderProbeHuman };

export async function runProbe(o: ProbeCliOptions, io: IO): Promise<number> {
  if (o.runtime !== 'docker' && (await import('./runtime-flags.js')).pickRuntime(o, io.env) === 'containerd') return (await import('./containerd-probe.js')).runContainerdProbe(o, io);
  const engine = engineFor(o, io.env);
  try {
    const progress = io.stderr.isTTY && !o.json ? (m: string) => io.stderr.write(`${m}\n`) : undefined;
    const r = await probe(engine, o.container, {
      signals: o.signals, zombieTimeoutMs: o.zombieTimeoutMs, readyTimeoutMs: o.readyTimeoutMs, live: o.live, leaveStopped: o.leaveStopped,
      graceSeconds: o.graceSeconds, settleMs: o.settleMs, skipZombie: o.only === 'term', skipTerm: o.only === 'zombie', progress,
    });
    io.stdout.write(o.json ? toJSON(r) : await renderProbeHuman(r, wantColor(io.stdout, io.env)));
    if (r.errors.length > 0 && r.findings.length === 0 && !r.zombieProbe && !r.termProbe) return 2;
    return exitFor(r.findings, o.failOn);
  } finally {
    await runCleanup();
    engine.close();
  }
}
