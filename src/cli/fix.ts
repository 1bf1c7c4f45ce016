import { runCleanup } from '../cleanup.js';
import { fixContainer, settleFix, type FixOptions } from '../fix/fix.js';
import { escapeText as esc } from '../render/escape.js';
import type { InitChoice } from '../fix/dockerfile.js';
import { toJSON } from '../render/json.js';
import { renderFixHuman } from '../render/fix-human.js';
import { wantColor } from '../render/style.js';
import { ENGINE_FLAGS, toEngineOptions, UsageError, type EngineOptions, type FlagSpec } from './audit-options.js';
import { parseDuration } from './options.js';
import { InputError } from './errors.js';
import { engineFor } from './shared.js';
import { ZaError } from '../engine/errors.js';
import type { IO } from './io.js';

export const FIX_FLAGS = {
  tag: { type: 'string', char: 't', description: 'name of the fixed image (default: <image>:<tag>-zombie-audit)' },
  strategy: { type: 'string', options: ['shim', 'docker-init'], default: 'shim', description: "shim: a fixed image with za-shim in front; docker-init: no new image, the engine's own init (--init), with --recreate" },
  recreate: { type: 'boolean', description: 'replace the container with a fixed one (same name, config, volumes, networks, ports, restart policy); the old one is kept until the new one passes, and restored on any failure' },
  'commit-changes': { type: 'boolean', description: "with --recreate: commit the container's writable-layer changes (docker diff) into the fixed image" },
  'keep-old': { type: 'boolean', description: 'with --recreate: keep the old container (renamed, stopped) after success' },
  'dry-run': { type: 'boolean', description: 'show every step without doing it' },
  'no-probe': { type: 'boolean', description: 'skip the before/after probe' },
  'shim-arg': { type: 'string', multiple: true, description: 'an argument for za-shim in the entrypoint (e.g. -g, -k 5), repeatable' },
  settle: { type: 'string', kind: 'duration', default: '1s', description: 'how long a sandbox or the new container runs before it is checked (500ms, 1s, ...)' },
  dockerfile: { type: 'string', description: 'rewrite this Dockerfile instead: exec form where it keeps the meaning, an init in front; shows a diff' },
  write: { type: 'boolean', description: 'with --dockerfile: apply the change (atomically, keeping Dockerfile.zombie-audit.bak)' },
  init: { type: 'string', options: ['auto', 'tini', 'dumb-init', 'shim'], default: 'auto', description: 'with --dockerfile: the init to add (auto: an installed one, else tini from the package manager, else the shim)' },
  target: { type: 'string', description: 'with --dockerfile: the stage that runs (default: the last)' },
  grace: { type: 'string', kind: 'duration', description: 'grace period for the stop tests (default: the stop timeout, or 10s)' },
  yes: { type: 'boolean', char: 'y', description: 'confirm --recreate (it stops the container), as other commands confirm a stop' },
  resume: { type: 'boolean', description: "finish an interrupted fix of the container from the engine's journal" },
  rollback: { type: 'boolean', description: "roll an interrupted fix of the container back from the engine's journal" },
  ...ENGINE_FLAGS,
} as const satisfies Record<string, FlagSpec>;

/** The engine's fix options (src/fix/fix.ts) plus what the command line adds. */
export interface FixCliOptions extends EngineOptions, Omit<FixOptions, 'progress' | 'failAt' | 'killAt'> {
  settleAction?: 'resume' | 'rollback';
  yes: boolean;
  container: string;
  dockerfile?: string;
  write: boolean;
  init: InitChoice;
  target?: string;
}

export function toFixOptions(flags: Record<string, unknown>, args: string[], env: NodeJS.ProcessEnv = process.env): FixCliOptions {
  if (flags.dockerfile) {
    if (args.length > 0) throw new UsageError('--dockerfile fixes a file: name no container');
  } else if (flags.write || flags.target) throw new UsageError('--write and --target go with --dockerfile');
  else if (args.length !== 1) throw new UsageError('name one container to fix (or use --dockerfile)');
  const strategy = String(flags.strategy ?? 'shim') as 'shim' | 'docker-init';
  if (strategy === 'docker-init' && !flags.recreate && !flags['dry-run']) {
    throw new UsageError('--strategy docker-init makes no image: it needs --recreate (or run the container with `docker run --init`)');
  }
  if ((flags['commit-changes'] || flags['keep-old']) && !flags.recreate) throw new UsageError('--commit-changes and --keep-old go with --recreate');
  if (flags.resume && flags.rollback) throw new UsageError('--resume or --rollback, not both');
  const ref = args[0] ?? '';
  if (!flags.dockerfile && (ref.trim() === '' || ref.includes('/'))) {
    throw new UsageError(`${JSON.stringify(ref)} is not a container name: name one as \`docker ps -a\` shows it (no "/")`);
  }
  return {
    ...toEngineOptions(flags, env), container: args[0] ?? '', strategy,
    dockerfile: flags.dockerfile as string | undefined, write: !!flags.write, init: String(flags.init ?? 'auto') as InitChoice, target: flags.target as string | undefined, tag: flags.tag as string | undefined,
    settleAction: flags.resume ? 'resume' : flags.rollback ? 'rollback' : undefined, yes: !!flags.yes,
    recreate: !!flags.recreate, commitChanges: !!flags['commit-changes'], keepOld: !!flags['keep-old'], dryRun: !!flags['dry-run'],
    probe: !flags['no-probe'], shimArgs: ((flags['shim-arg'] as string[] | undefined) ?? []).flatMap((a) => a.split(' ').filter(Boolean)),
    settleMs: parseDuration('settle', String(flags.settle ?? FIX_FLAGS.settle.default)),
    graceSeconds: flags.grace === undefined ? undefined : parseDuration('grace', String(flags.grace)) / 1000,
  };
}

async function runFixDockerfile(o: FixCliOptions, io: IO): Promise<number> {
  const { patchDockerfile, writePatch } = await import('../fix/dockerfile.js');
  let p;
  try {
    p = await patchDockerfile(o.dockerfile!, { init: o.init, target: o.target });
  } catch (e) {
    throw e instanceof ZaError || (e as NodeJS.ErrnoException).code ? e : new InputError((e as Error).message);
  }
  const written = o.write && p.changed && !o.dryRun ? writePatch(p) : [];
  let after: unknown[] = [];
  if (written.length) {
    const { lintPaths } = await import('../lint/lint.js');
    after = (await lintPaths([o.dockerfile!], { target: o.target, config: { ignore: [], severity: {} } })).findings.filter((f) => f.severity !== 'info');
  }
  if (o.json) {
    io.stdout.write(toJSON({ schema: 'zombie-audit/fix-dockerfile@1', path: p.path, changed: p.changed, diff: p.diff, notes: p.notes, written, remaining: after }));
  } else {
    io.stdout.write(p.changed ? p.diff : `${p.path}: nothing to change\n`);
    for (const n of p.notes) io.stdout.write(`note: ${n}\n`);
    for (const w of written) io.stdout.write(`${w}\n`);
    if (p.changed && !written.length) io.stdout.write('(not written: add --write to apply it)\n');
    if (written.length) io.stdout.write(after.length ? `lint after the change: ${after.length} warning(s) or error(s) left: zombie-audit lint ${p.path}\n` : 'lint after the change: no warning or error\n');
  }
  return 0;
}

export { renderFixHuman };

export async function runFix(o: FixCliOptions, io: IO): Promise<number> {
  if (o.dockerfile) return runFixDockerfile(o, io);
  const engine = engineFor(o, io.env);
  try {
    const progress = io.stderr.isTTY && !o.json ? (m: string) => io.stderr.write(`${m}\n`) : undefined;
    if (o.settleAction) {
      const line = await settleFix(engine, o.container, o.settleAction, progress);
      io.stdout.write(o.json ? toJSON({ schema: 'zombie-audit/fix-settle@1', container: o.container, action: o.settleAction, result: line }) : `${esc(line)}\n`);
      return 0;
    }
    const r = await fixContainer(engine, o.container, { ...o, progress, failAt: io.env.ZOMBIE_AUDIT_FAIL_AT, killAt: io.env.ZOMBIE_AUDIT_KILL_AT });
    io.stdout.write(o.json ? toJSON(r) : await renderFixHuman(r, wantColor(io.stdout, io.env)));
    const stillBad = r.after?.probe?.findings.filter((f) => f.severity === 'error') ?? [];
    return stillBad.length > 0 ? 1 : 0;
  } finally {
    await runCleanup();
    engine.close();
  }
}
