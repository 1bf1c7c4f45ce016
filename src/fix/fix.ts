import { analyze, type AuditReport } from '../analysis/audit.js';
import { collect, containerInfo, type InspectJSON } from '../collect/collect.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { guard, interrupted } from '../cleanup.js';
import { ownerAlive } from '../engine/owner.js';
import { newOp, openJournal, rollback, settle, STEPS, unfinished, type FixState, type Journal, type Step } from './journal.js';
import { probe, type ProbeReport } from '../probe/probe.js';
import { createSandbox, startSandbox } from '../probe/sandbox.js';
import { buildFixedImage, defaultRef, wrappedEntrypoint, type FixedImage } from './image.js';

export interface FixOptions {
  strategy: 'shim' | 'docker-init';
  tag?: string;
  recreate: boolean;
  commitChanges: boolean;
  keepOld: boolean;
  dryRun: boolean;
  shimArgs: string[];
  probe: boolean;
  settleMs: number;
  graceSeconds?: number;
  progress?: (m: string) => void;
  /** test-only fault injection: fail the recreate at this step (ZOMBIE_AUDIT_FAIL_AT) */
  failAt?: string;
  /** test-only fault injection: SIGKILL this process at this step (ZOMBIE_AUDIT_KILL_AT: `stop` before the step, `stop+` after it) */
  killAt?: string;
}

export interface FixReport {
  schema: 'zombie-audit/fix@1';
  container: { id: string; name: string; image: string };
  strategy: FixOptions['strategy'];
  dryRun: boolean;
  steps: string[];
  image?: FixedImage;
  before: { audit: AuditReport; probe?: ProbeReport };
  after?: { probe?: ProbeReport };
  recreated?: { name: string; id: string; old: string; oldRemoved: boolean };
  /** runtime state of the writable layer (pid files, sockets, locks, logs, /run, /tmp) the new container starts without */
  startsWithout?: string[];
  /** the journal operation id (labels zombie-audit.journal on its records) */
  operation?: string;
  usage: string[];
}

/** Runtime state, not data: what every daemon writes and a recreate legitimately starts without. */
const RUNTIME_DIRS = ['/run', '/var/run', '/tmp', '/var/tmp', '/var/log', '/var/lock', '/var/cache'];
const RUNTIME_FILE = /\.(pid|sock|lock)$/;
export function isRuntimeState(path: string): boolean {
  return RUNTIME_DIRS.some((d) => path === d || path.startsWith(d + '/')) || RUNTIME_FILE.test(path);
}

/**
 * Split `docker diff` into runtime state and data. A directory with changes under it is neither
 * by itself (made or touched only to hold them).
 */
export function classifyChanges(changes: ReadonlyArray<{ Path: string; Kind: number }>): { runtime: string[]; data: string[] } {
  const paths = changes.map((c) => c.Path);
  const runtime: string[] = [];
  const data: string[] = [];
  for (const c of changes) {
    // a directory (it has changes under it) is judged by what it holds, not on its own
    const parentOnly = paths.some((p) => p !== c.Path && p.startsWith(c.Path.endsWith('/') ? c.Path : c.Path + '/'));
    if (isRuntimeState(c.Path)) runtime.push(c.Path);
    else if (!parentOnly) data.push(c.Path);
  }
  return { runtime, data };
}

/** Raw inspect JSON: the recreate copies every field of it, not only the typed ones. */
type Raw = InspectJSON & {
  HostConfig: Record<string, unknown> & InspectJSON['HostConfig'];
  NetworkSettings?: { Networks?: Record<string, { Aliases?: string[] | null; IPAMConfig?: unknown; Links?: unknown; DriverOpts?: unknown }> };
};

function refuse(a: AuditReport, j: InspectJSON): ZaError | undefined {
  if (a.pid1.init === 's6-svscan') {
    return new ZaError('USAGE', `${a.container.name}: PID 1 is s6-overlay, which must stay PID 1 (it refuses to run otherwise)`,
      'fix reaping inside s6: make the service\'s run script `exec` the app; s6 already reaps orphans');
  }
  if (j.HostConfig.Init) return new ZaError('USAGE', `${a.container.name} already runs with the engine's init (--init)`, zombiesHint(a));
  if (a.pid1.kind === 'init') return new ZaError('USAGE', `${a.container.name} already has an init as PID 1 (${a.pid1.init})`, zombiesHint(a));
  return undefined;
}

function zombiesHint(a: AuditReport): string {
  const held = a.zombieParents.filter((g) => g.reaper === 'parent');
  return held.length ? `its zombies are held by ${held.map((g) => `pid ${g.ppid} (${g.parentName})`).join(', ')}: that process must wait() for its children (ZA102); no init can reap them`
    : 'nothing to fix with an init; see `zombie-audit probe` for the shutdown';
}

async function probeImage(engine: Engine, target: InspectJSON, o: FixOptions): Promise<ProbeReport> {
  const sb = await createSandbox(engine, target);
  try {
    await startSandbox(engine, sb, o.settleMs);
    return await probe(engine, sb.id, { signals: [], zombieTimeoutMs: 1000, live: false, leaveStopped: false, settleMs: o.settleMs, graceSeconds: o.graceSeconds, skipZombie: false, skipTerm: false });
  } finally {
    await sb.remove();
  }
}

export async function fixContainer(engine: Engine, ref: string, o: FixOptions): Promise<FixReport> {
  const say = o.progress ?? (() => undefined);
  const c = await collect(engine, ref);
  const audit = analyze(c.snapshot, containerInfo(c.inspect), c.method);
  const j = await engine.json<Raw>('GET', `/containers/${c.inspect.Id}/json`);
  const refusal = refuse(audit, j);
  if (refusal) throw refusal;
  const name = audit.container.name;
  const fixedRef = o.tag ?? defaultRef(j.Config.Image);
  const report: FixReport = { schema: 'zombie-audit/fix@1', container: audit.container, strategy: o.strategy, dryRun: o.dryRun, steps: [], before: { audit }, usage: [] };
  // the mount points the engine made for volumes (and their parent folders) are not the user's data
  const mountPoints = (j.Mounts ?? []).map((m) => m.Destination);
  const changes = ((await engine.json<Array<{ Path: string; Kind: number }> | null>('GET', `/containers/${j.Id}/changes`)) ?? [])
    .filter((ch) => !mountPoints.some((d) => d === ch.Path || d.startsWith(ch.Path.endsWith('/') ? ch.Path : ch.Path + '/')));
  const { runtime, data } = classifyChanges(changes);
  if (o.recreate && data.length > 0 && !o.commitChanges) {
    throw new ZaError('USAGE', `${name} has data in its writable layer outside volumes (docker diff): ${data.slice(0, 8).join(', ')}${data.length > 8 ? ` and ${data.length - 8} more` : ''}: recreating it would lose it`,
      'add --commit-changes to commit it into the fixed image, or fix without --recreate');
  }
  if (o.recreate && !o.commitChanges && runtime.length) report.startsWithout = runtime;
  const entrypoint = o.strategy === 'shim' ? wrappedEntrypoint(j.Config.Entrypoint, o.shimArgs) : j.Config.Entrypoint ?? null;
  const target: InspectJSON = o.strategy === 'shim'
    ? { ...j, Config: { ...j.Config, Entrypoint: entrypoint } }
    : { ...j, HostConfig: { ...j.HostConfig, Init: true } };
  if (o.strategy === 'shim') {
    report.steps.push(`build ${fixedRef} from ${j.Config.Image}${o.commitChanges ? ' with the container\'s changes committed' : ''}: copy za-shim to /za-shim, entrypoint ${JSON.stringify(entrypoint)}, keep command, env, user, workdir, stop signal, labels, healthcheck`);
  } else {
    report.steps.push('no new image: the engine\'s own init (HostConfig.Init, `docker run --init`)');
  }
  if (o.probe) report.steps.push('probe the original and a sandbox copy of the fixed one (network none, empty volumes), side by side');
  if (o.recreate) {
    report.steps.push(`stop ${name} and rename it ${name}-zombie-audit-old (kept until the new one passes)`,
      `create ${name} from ${o.strategy === 'shim' ? fixedRef : 'the same image with --init'} with the same config, volumes, mounts, networks, ports, restart policy and labels; start it`,
      `check it: running, PID 1 an init that reaps; then ${o.keepOld ? 'keep' : 'remove'} the old container (its volumes stay); on any failure, remove the new one and restore and restart the old one`);
  }
  if (o.dryRun) return report;

  const op = newOp();
  const state: FixState = {
    op, original: { id: j.Id, name, image: j.Image }, oldName: `${name}-zombie-audit-old-${op}`,
    wasRunning: j.State.Running, keepOld: o.keepOld, recreate: o.recreate,
  };
  const journal = openJournal(engine, state);
  if (o.strategy === 'shim') {
    say(`building ${fixedRef}…`);
    state.buildName = `zombie-audit-build-${op}`;
    await journal.record('build');
    hook(o, 'build');
    report.image = await guarded(engine, state, journal, () => buildFixedImage(engine, j, { ref: fixedRef, shimArgs: o.shimArgs, commitChanges: o.commitChanges, name: state.buildName }));
    hook(o, 'build+');
    (target as { Image: string }).Image = report.image!.ref;
    if (!o.recreate) {
      await journal.close();
      journal.state.buildName = undefined;
    }
  }
  if (o.probe) {
    say('probing the original…');
    report.before.probe = await probe(engine, j.Id, { signals: [], zombieTimeoutMs: 1000, live: false, leaveStopped: false, settleMs: o.settleMs, graceSeconds: o.graceSeconds, skipZombie: false, skipTerm: false });
    say('probing a sandbox copy of the fixed container…');
    report.after = { probe: await probeImage(engine, target, o) };
  }
  if (o.recreate) report.recreated = await recreate(engine, j, target, o, say, state, journal);
  else await journal.close();
  report.operation = state.op;
  report.usage = usage(report, j, fixedRef);
  return report;
}

function usage(r: FixReport, j: InspectJSON, fixedRef: string): string[] {
  if (r.strategy === 'docker-init') {
    return ['docker run --init ... (the engine\'s init in front of the entrypoint)', 'compose:  init: true'];
  }
  return [
    `docker run ... ${fixedRef}   (the same flags as before; the entrypoint now starts with /za-shim --)`,
    `compose:  image: ${fixedRef}`,
    `or keep your image and add the shim at build time: zombie-audit shim export ./za, then COPY za/za-shim /za-shim and ENTRYPOINT ${JSON.stringify(wrappedEntrypoint(j.Config.Entrypoint))}`,
  ];
}

/** Test-only fault injection (ZOMBIE_AUDIT_KILL_AT): SIGKILL this very process at a step. */
function hook(o: Pick<FixOptions, 'killAt'>, at: string): void {
  if (o.killAt && o.killAt === at) process.kill(process.pid, 'SIGKILL');
}

/**
 * The change failed or was interrupted: roll back from the engine's state and report every
 * failure of the rollback (none is swallowed; the journal stays for the next run when one fails).
 */
async function undoOrReport(engine: Engine, st: FixState, journal: Journal, cause: unknown): Promise<never> {
  const errors = await rollback(engine, st);
  if (errors.length) {
    throw new ZaError('ENGINE_API', `${(cause as Error).message}; and the rollback failed: ${errors.join('; ')}`,
      `the journal of operation ${st.op} stays on the engine: \`zombie-audit fix --rollback ${st.original.name}\` retries, and any later run tries again`);
  }
  await journal.close().catch((e: Error) => { throw new ZaError('ENGINE_API', `${(cause as Error).message}; rolled back, but ${e.message}`); });
  throw cause;
}

/**
 * Run a part of the change under guard(), its rollback included: a signal waits for both (the
 * process must not exit between the failed step and the end of the rollback).
 */
async function guarded<T>(engine: Engine, st: FixState, journal: Journal, f: () => Promise<T>, onFail?: (e: unknown) => void): Promise<T> {
  return guard((async () => {
    try {
      return await f();
    } catch (e) {
      onFail?.(e);
      return await undoOrReport(engine, st, journal, e);
    }
  })());
}

/** The create body of the replacement: the original's config with the fixed image or --init. */
function createBody(j: Raw, target: InspectJSON): Record<string, unknown> {
  // anonymous volumes are reused by name, so their data follows
  const binds = [...((j.HostConfig.Binds as string[] | null) ?? [])];
  const declared = new Set([...binds.map((b) => b.split(':')[1]), ...(((j.HostConfig.Mounts as Array<{ Target: string }> | null) ?? []).map((m) => m.Target))]);
  for (const m of j.Mounts ?? []) {
    if (m.Type === 'volume' && m.Name && !declared.has(m.Destination)) binds.push(`${m.Name}:${m.Destination}`);
  }
  const networks = j.NetworkSettings?.Networks ?? {};
  const mode = String(j.HostConfig.NetworkMode ?? 'default');
  const endpoints = Object.fromEntries(Object.entries(networks).map(([n, e]) => [n, { Aliases: e.Aliases ?? undefined, IPAMConfig: e.IPAMConfig ?? undefined, Links: e.Links ?? undefined, DriverOpts: e.DriverOpts ?? undefined }]));
  return {
    ...j.Config, Image: target.Image, Entrypoint: target.Config.Entrypoint ?? undefined, Hostname: (j.Config as { Hostname?: string }).Hostname,
    HostConfig: { ...j.HostConfig, Binds: binds, Init: target.HostConfig.Init ?? j.HostConfig.Init },
    NetworkingConfig: ['host', 'none', 'default', 'bridge'].includes(mode) || mode.startsWith('container:') ? undefined : { EndpointsConfig: endpoints },
  };
}

interface StepContext {
  engine: Engine;
  st: FixState;
  journal: Journal;
  say: (m: string) => void;
  stopTimeoutMs: number;
  settleMs: number;
  /** the full check (PID 1 an init that reaps); absent on --resume: running is enough */
  check?: (newId: string) => Promise<void>;
  failAt?: string;
  killAt?: string;
}

/**
 * Take the recreate's steps from `from` on. Each is recorded in the journal before it is
 * taken; each is idempotent against the engine's state (a resumed run may repeat the one in
 * flight). A signal is seen between steps, never inside one.
 */
async function runSteps(c: StepContext, from: Step): Promise<void> {
  const { engine, st, journal, say } = c;
  const name = st.original.name;
  const fault = (step: string): void => {
    if (c.failAt === step) throw new ZaError('ENGINE_API', `forced failure at ${step} (ZOMBIE_AUDIT_FAIL_AT)`);
  };
  for (const step of STEPS.slice(STEPS.indexOf(from))) {
    if (step === 'build') continue;
    const sig = interrupted();
    if (sig) throw new ZaError('INTERRUPTED', `interrupted (${sig}) before step "${step}"`);
    await journal.record(step);
    hook(c, step);
    switch (step) {
      case 'stop': {
        say(`stopping ${name}…`);
        const stop = await engine.request('POST', `/containers/${st.original.id}/stop`, { timeoutMs: c.stopTimeoutMs });
        if (stop.status >= 300 && stop.status !== 304) throw new ZaError('ENGINE_API', `could not stop ${name}: ${stop.body.toString('utf8').slice(0, 200)}`);
        fault('after-stop');
        break;
      }
      case 'rename': {
        const cur = await engine.json<{ Name: string }>('GET', `/containers/${st.original.id}/json`);
        if (cur.Name.replace(/^\//, '') !== st.oldName) await engine.json('POST', `/containers/${st.original.id}/rename`, { query: { name: st.oldName } });
        fault('after-rename');
        break;
      }
      case 'create': {
        const have = await engine.request('GET', `/containers/${encodeURIComponent(name)}/json`);
        const existing = have.status === 200 ? (JSON.parse(have.body.toString('utf8')) as { Id: string }).Id : undefined;
        if (existing && existing !== st.original.id) st.newId = existing;
        else st.newId = (await engine.json<{ Id: string }>('POST', '/containers/create', { query: { name }, body: st.create })).Id;
        fault('after-create');
        break;
      }
      case 'start': {
        say(`starting the new ${name}…`);
        const started = await engine.request('POST', `/containers/${st.newId}/start`, { timeoutMs: 60_000 });
        if (started.status >= 300 && started.status !== 304) throw new ZaError('ENGINE_API', `the new container did not start: ${started.body.toString('utf8').slice(0, 200)}`);
        await new Promise((r) => setTimeout(r, c.settleMs));
        fault('after-start');
        break;
      }
      case 'check': {
        const now = await engine.json<InspectJSON>('GET', `/containers/${st.newId}/json`);
        if (!now.State.Running) throw new ZaError('BAD_OUTPUT', `the new ${name} is not running (${now.State.Status}, exit code ${now.State.ExitCode})`);
        if (c.check) await c.check(st.newId!);
        break;
      }
      case 'remove-old':
        if (!st.keepOld) {
          const del = await engine.request('DELETE', `/containers/${st.original.id}`, { timeoutMs: 60_000 }); // no v=1: its volumes stay (the new one uses them)
          if (del.status >= 300 && del.status !== 404) throw new ZaError('ENGINE_API', `could not remove the old ${st.oldName}: ${del.body.toString('utf8').slice(0, 200)}`);
        }
        break;
    }
    hook(c, `${step}+`);
  }
}

/**
 * Replace the container with one from the fixed image (or with --init), keeping its name,
 * config, volumes (anonymous ones too), mounts, networks, ports, restart policy and labels.
 * The old one is stopped and renamed, never deleted until the new one passed; on any failure
 * or Ctrl-C (seen between steps) the new one is removed and the old one restored and
 * restarted, and every failure of that rollback is reported. Every step is in the journal
 * before it is taken: a run killed at any point is finished or rolled back by the next one.
 */
async function recreate(engine: Engine, j: Raw, target: InspectJSON, o: FixOptions, say: (m: string) => void, st: FixState, journal: Journal) {
  st.create = createBody(j, target);
  const ctx: StepContext = {
    engine, st, journal, say, stopTimeoutMs: ((j.Config.StopTimeout ?? 10) + 30) * 1000, settleMs: o.settleMs, failAt: o.failAt, killAt: o.killAt,
    check: async (newId) => {
      const check = await collect(engine, newId);
      const a = analyze(check.snapshot, containerInfo(check.inspect), check.method);
      if (a.pid1.kind !== 'init') throw new ZaError('BAD_OUTPUT', `the new container's PID 1 is ${a.pid1.name}, not an init`);
      const z = await probe(engine, newId, { signals: [], zombieTimeoutMs: 1000, live: false, leaveStopped: false, settleMs: o.settleMs, skipZombie: false, skipTerm: true });
      if (!z.zombieProbe?.reaped) throw new ZaError('BAD_OUTPUT', 'the new container did not reap the probe\'s orphan');
    },
  };
  await guarded(engine, st, journal, () => runSteps(ctx, 'stop'), (e) => say(`recreate failed (${(e as Error).message}): restoring ${st.original.name}…`));
  await journal.close();
  return { name: st.original.name, id: st.newId!, old: st.keepOld ? st.oldName : j.Id, oldRemoved: !st.keepOld };
}

/**
 * `fix --resume` / `fix --rollback`: finish or roll back the unfinished fix of `ref` (its
 * original name or id) from the engine's journal. Refuses while the run that owns it is alive.
 */
export async function settleFix(engine: Engine, ref: string, action: 'resume' | 'rollback', say: (m: string) => void = () => undefined): Promise<string> {
  const ops = (await unfinished(engine)).filter((x) => x.state.original.name === ref || x.state.original.id.startsWith(ref) || x.state.op === ref);
  if (ops.length === 0) throw new ZaError('USAGE', `no unfinished fix of ${ref} in the engine's journal`, 'list them: docker ps -a --filter label=zombie-audit.journal');
  const op = ops[0];
  if (ownerAlive(op.owner) === true) {
    throw new ZaError('USAGE', `the fix of ${ref} (operation ${op.state.op}) is still running in zombie-audit pid ${op.owner?.split('/')[2]}`, 'wait for it, or stop it with Ctrl-C: it rolls back');
  }
  if (action === 'rollback' || op.step === 'build' || !op.state.recreate || !op.state.create) return settle(engine, op, 'rollback');
  const journal = openJournal(engine, op.state, { seq: op.seq, id: op.recordId, step: op.step });
  await guarded(engine, op.state, journal, () => runSteps({ engine, st: op.state, journal, say, stopTimeoutMs: 120_000, settleMs: 1000 }, op.step));
  await journal.close();
  return `the interrupted fix of ${op.state.original.name} (operation ${op.state.op}) is finished: the fixed ${op.state.original.name} runs`;
}
