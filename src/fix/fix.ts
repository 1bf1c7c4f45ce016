import { analyze, type AuditReport } from '../analysis/audit.js';
import { collect, containerInfo, type InspectJSON } from '../collect/collect.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { onCleanup } from '../cleanup.js';
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
  usage: string[];
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
  const changes = ((await engine.json<Array<{ Path: string }> | null>('GET', `/containers/${j.Id}/changes`)) ?? [])
    .filter((ch) => !mountPoints.some((d) => d === ch.Path || d.startsWith(ch.Path.endsWith('/') ? ch.Path : ch.Path + '/')));
  if (o.recreate && changes.length > 0 && !o.commitChanges) {
    throw new ZaError('USAGE', `${name} has ${changes.length} change(s) in its writable layer (docker diff): recreating it would lose them`,
      'add --commit-changes to commit them into the fixed image, or fix without --recreate');
  }
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

  if (o.strategy === 'shim') {
    say(`building ${fixedRef}…`);
    report.image = await buildFixedImage(engine, j, { ref: fixedRef, shimArgs: o.shimArgs, commitChanges: o.commitChanges });
    (target as { Image: string }).Image = report.image.ref;
  }
  if (o.probe) {
    say('probing the original…');
    report.before.probe = await probe(engine, j.Id, { signals: [], zombieTimeoutMs: 1000, live: false, leaveStopped: false, settleMs: o.settleMs, graceSeconds: o.graceSeconds, skipZombie: false, skipTerm: false });
    say('probing a sandbox copy of the fixed container…');
    report.after = { probe: await probeImage(engine, target, o) };
  }
  if (o.recreate) report.recreated = await recreate(engine, j, target, o, say);
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

/**
 * Replace the container with one from the fixed image (or with --init), keeping its name,
 * config, volumes (anonymous ones too), mounts, networks, ports, restart policy and labels.
 * The old one is stopped and renamed, never deleted until the new one passed; on any failure
 * the new one is removed and the old one restored and restarted.
 */
async function recreate(engine: Engine, j: Raw, target: InspectJSON, o: FixOptions, say: (m: string) => void) {
  const name = j.Name.replace(/^\//, '');
  const oldName = `${name}-zombie-audit-old-${Date.now().toString(36)}`;
  const wasRunning = j.State.Running;
  const fault = (step: string): void => {
    if (o.failAt === step) throw new ZaError('ENGINE_API', `forced failure at ${step} (ZOMBIE_AUDIT_FAIL_AT)`);
  };
  let newId: string | undefined;
  let renamed = false;
  const rollback = async (): Promise<void> => {
    if (newId) await engine.request('DELETE', `/containers/${newId}`, { query: { force: 1 } }).catch(() => undefined);
    if (renamed) await engine.request('POST', `/containers/${j.Id}/rename`, { query: { name } }).catch(() => undefined);
    if (wasRunning) await engine.request('POST', `/containers/${j.Id}/start`).catch(() => undefined);
  };
  // Ctrl-C in the middle restores the original too
  const undo = onCleanup(rollback);
  try {
    say(`stopping ${name}…`);
    const stop = await engine.request('POST', `/containers/${j.Id}/stop`, { timeoutMs: ((j.Config.StopTimeout ?? 10) + 30) * 1000 });
    if (stop.status >= 300 && stop.status !== 304) throw new ZaError('ENGINE_API', `could not stop ${name}: ${stop.body}`);
    fault('after-stop');
    await engine.json('POST', `/containers/${j.Id}/rename`, { query: { name: oldName } });
    renamed = true;
    fault('after-rename');
    // anonymous volumes are reused by name, so their data follows
    const binds = [...((j.HostConfig.Binds as string[] | null) ?? [])];
    const declared = new Set([...binds.map((b) => b.split(':')[1]), ...(((j.HostConfig.Mounts as Array<{ Target: string }> | null) ?? []).map((m) => m.Target))]);
    for (const m of j.Mounts ?? []) {
      if (m.Type === 'volume' && m.Name && !declared.has(m.Destination)) binds.push(`${m.Name}:${m.Destination}`);
    }
    const networks = j.NetworkSettings?.Networks ?? {};
    const mode = String(j.HostConfig.NetworkMode ?? 'default');
    const endpoints = Object.fromEntries(Object.entries(networks).map(([n, e]) => [n, { Aliases: e.Aliases ?? undefined, IPAMConfig: e.IPAMConfig ?? undefined, Links: e.Links ?? undefined, DriverOpts: e.DriverOpts ?? undefined }]));
    const created = await engine.json<{ Id: string }>('POST', '/containers/create', {
      query: { name },
      body: {
        ...j.Config, Image: target.Image, Entrypoint: target.Config.Entrypoint ?? undefined, Hostname: (j.Config as { Hostname?: string }).Hostname,
        HostConfig: { ...j.HostConfig, Binds: binds, Init: target.HostConfig.Init ?? j.HostConfig.Init },
        NetworkingConfig: ['host', 'none', 'default', 'bridge'].includes(mode) || mode.startsWith('container:') ? undefined : { EndpointsConfig: endpoints },
      },
    });
    newId = created.Id;
    fault('after-create');
    say(`starting the new ${name}…`);
    const started = await engine.request('POST', `/containers/${newId}/start`);
    if (started.status >= 300) throw new ZaError('ENGINE_API', `the new container did not start: ${started.body.toString('utf8').slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, o.settleMs));
    fault('after-start');
    const check = await collect(engine, newId);
    const a = analyze(check.snapshot, containerInfo(check.inspect), check.method);
    if (a.pid1.kind !== 'init') throw new ZaError('BAD_OUTPUT', `the new container's PID 1 is ${a.pid1.name}, not an init`);
    const z = await probe(engine, newId, { signals: [], zombieTimeoutMs: 1000, live: false, leaveStopped: false, settleMs: o.settleMs, skipZombie: false, skipTerm: true });
    if (!z.zombieProbe?.reaped) throw new ZaError('BAD_OUTPUT', 'the new container did not reap the probe\'s orphan');
    let oldRemoved = false;
    if (!o.keepOld) {
      await engine.request('DELETE', `/containers/${j.Id}`); // no v=1: its volumes stay (the new one uses them)
      oldRemoved = true;
    }
    undo();
    return { name, id: newId, old: oldRemoved ? j.Id : oldName, oldRemoved };
  } catch (e) {
    undo();
    say(`recreate failed (${(e as Error).message}): restoring ${name}…`);
    await rollback();
    throw e;
  }
}
