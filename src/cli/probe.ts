import { runCleanup } from '../cleanup.js';
import { assertSignal } from '../probe/term.js';
import { probe, type ProbeReport } from '../probe/probe.js';
import { toJSON } from '../render/json.js';
import { makeStyle, wantColor } from '../render/style.js';
import { ENGINE_FLAGS, positiveNumber, toEngineOptions, UsageError, type EngineOptions, type FlagSpec } from './audit-options.js';
import { engineFor, exitFor, reportError } from './audit.js';
import type { IO } from './io.js';
import { RUNTIME_FLAGS, toRuntimeOptions, type RuntimeOptions } from './runtime-flags.js';

export const PROBE_FLAGS = {
  signal: { type: 'string', multiple: true, description: 'signal(s) to test (TERM, INT, HUP, QUIT, ...); default: the container\'s stop signal. Ctrl-C in docker run -it is INT' },
  live: { type: 'boolean', description: 'run the stop test on the real container (it is stopped, then started again); needs --yes' },
  yes: { type: 'boolean', description: 'confirm --live: you accept that the container is stopped' },
  'leave-stopped': { type: 'boolean', description: 'with --live: do not start the container again' },
  grace: { type: 'string', description: "seconds docker stop waits before SIGKILL in the test (default: the container's stop timeout, or 10)" },
  settle: { type: 'string', default: '1', description: 'seconds the sandbox copy runs before it is stopped' },
  'zombie-timeout': { type: 'string', description: 'seconds to watch whether PID 1 reaps the orphan (default: adaptive, up to 5: a polling reaper such as apache2 takes up to a second)' },
  'ready-timeout': { type: 'string', default: '60', description: 'seconds the sandbox copy may take to look like the live container (same commands and signal masks) before it is signalled; then "not ready", no verdict' },
  only: { type: 'string', options: ['zombie', 'term'], description: 'run only the zombie probe or only the TERM probe' },
  ...ENGINE_FLAGS,
  ...RUNTIME_FLAGS,
} as const satisfies Record<string, FlagSpec>;

export interface ProbeCliOptions extends EngineOptions, RuntimeOptions {
  container: string;
  signals: number[];
  live: boolean;
  leaveStopped: boolean;
  graceSeconds?: number;
  settleMs: number;
  zombieTimeoutMs?: number;
  readyTimeoutMs: number;
  only?: 'zombie' | 'term';
}

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
    graceSeconds: flags.grace === undefined ? undefined : positiveNumber('grace', String(flags.grace)),
    settleMs: positiveNumber('settle', String(flags.settle ?? '1')) * 1000,
    zombieTimeoutMs: flags['zombie-timeout'] === undefined ? undefined : positiveNumber('zombie-timeout', String(flags['zombie-timeout'])) * 1000,
    readyTimeoutMs: positiveNumber('ready-timeout', String(flags['ready-timeout'] ?? '60')) * 1000,
    only: flags.only as 'zombie' | 'term' | undefined,
    ...toRuntimeOptions(flags, (m) => new UsageError(m)),
  };
}

export async function renderProbeHuman(r: ProbeReport, color: boolean): Promise<string> {
  const s = await makeStyle(color);
  const { renderFindings } = await import('../render/findings.js');
  const L: string[] = [];
  L.push(`${s.bold('Probe')} ${r.container.name} ${s.dim(`(${r.container.image}, ${r.container.id.slice(0, 12)})`)}`);
  L.push(`${s.bold('PID 1')}      ${r.pid1.argv?.join(' ') ?? r.pid1.name}  ${s.dim(`[${r.pid1.kind}${r.pid1.init ? ': ' + r.pid1.init : ''}]`)}`);
  if (r.zombieProbe) {
    const z = r.zombieProbe;
    L.push(`${s.bold('Zombies')}    ${z.reaped ? s.green(z.summary) : s.red(z.summary)}  ${s.dim(`(${z.method === 'exec' ? 'made by a docker exec' : 'made by a helper in its PID namespace'})`)}`);
  }
  const term = (label: string, t: NonNullable<ProbeReport['termProbe']>) => {
    const col = t.verdict === 'graceful' ? s.green : s.red;
    const how = t.method === 'sandbox' ? `on a sandbox copy${t.sandbox?.replacedMounts.length ? `, ${t.sandbox.replacedMounts.length} volume(s) replaced by empty tmpfs` : ''}; removed`
      : t.method === 'live' ? 'on the LIVE container (--live)' : 'sent to the live container: /proc proved PID 1 drops it';
    L.push(`${s.bold(label.padEnd(10))} ${col(t.summary)}  ${s.dim(`(${how})`)}`);
    for (const c of t.children) {
      L.push(`           ${s.dim('•')} pid ${c.pid} ${c.name}: ${c.fate === 'exited-before-pid1' ? 'exited before PID 1' : c.fate === 'killed-with-pid1' ? s.yellow('still running when PID 1 exited: SIGKILLed by the kernel') : 'not observed (the container ended before a sample after the signal)'}`);
    }
  };
  if (r.termProbe) term(r.termProbe.signal, r.termProbe);
  for (const p of r.signalProbes) term(p.signal, p);
  L.push(`${s.bold('Inferred')}   ${s.dim(r.inferredStop.summary)}`);
  for (const e of r.errors) L.push(s.yellow(`${e.probe} probe not run: ${e.message}`));
  L.push(`${s.bold('Leaves')}     ${r.leaves.length ? r.leaves.join('; ') : 'nothing'}`);
  L.push('');
  L.push(renderFindings(r.findings, s).trimEnd());
  return L.join('\n') + '\n';
}

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
  } catch (err) {
    return reportError(err, io, o.json);
  } finally {
    await runCleanup();
    engine.close();
  }
}
