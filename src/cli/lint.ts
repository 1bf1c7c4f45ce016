import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../findings/model.js';
import type { RunSpec } from '../lint/spec.js';
import { dedupe } from '../render/dedupe.js';
import { toJSON } from '../render/json.js';
import { makeStyle, wantColor } from '../render/style.js';
import { EXIT } from '../engine/errors.js';
import { atOrAbove } from '../findings/model.js';
import { kindOf, lintPaths, loadConfig } from '../lint/lint.js';
import { ENGINE_FLAGS, toEngineOptions, type FlagSpec } from './audit-options.js';
import { InputError, UsageError } from './errors.js';
import type { IO } from './io.js';

export const LINT_FLAGS = {
  image: { type: 'string', multiple: true, description: 'lint an image on the engine by reference (its config, inits present, entrypoint script), repeatable' },
  target: { type: 'string', description: 'the Dockerfile stage that runs (default: the last)' },
  format: { type: 'string', options: ['tty', 'json', 'sarif', 'github'], default: 'tty', description: 'output: tty (file:line, rule, message, fix), json, SARIF 2.1.0 for code scanning, or github (workflow annotations)' },
  config: { type: 'string', description: 'config file (default: .zombie-audit.json or .zombie-audit.yaml in the working folder)' },
  ...ENGINE_FLAGS,
  'fail-on': { type: 'string', options: ENGINE_FLAGS['fail-on'].options, description: 'exit 1 when a finding is at or above this severity (default: the config\'s failOn, else warning)' },
} as const satisfies Record<string, FlagSpec>;

export type LintFormat = 'tty' | 'json' | 'sarif' | 'github';

/** The output format asked for (also for errors: --json and --format json/sarif/github). */
export function lintFormat(flags: Record<string, unknown>): LintFormat {
  return flags.json ? 'json' : (String(flags.format ?? 'tty') as LintFormat);
}

const COMPOSE = /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/i;
const K8S_KIND = /^kind:\s*(Pod|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob|PodTemplate)\s*$/m;

/**
 * What a folder holds for lint: Dockerfiles and Containerfiles, compose files, and Kubernetes
 * manifests with a pod spec (kind: Deployment, Pod, ...), in that order; the folder's top level
 * only. A folder with none of them is an input error.
 */
export function folderInputs(dir: string): string[] {
  const names = readdirSync(dir).sort();
  const files = names.filter((n) => { try { return statSync(join(dir, n)).isFile(); } catch { return false; } });
  const docker = files.filter((n) => kindOf(n) === 'dockerfile'); // by name: Dockerfile*, Containerfile*, *.dockerfile
  const compose = files.filter((n) => COMPOSE.test(n));
  const k8s = files.filter((n) => /\.ya?ml$/i.test(n) && !compose.includes(n) && K8S_KIND.test(readFileSync(join(dir, n), 'utf8')));
  const found = [...docker, ...compose, ...k8s].map((n) => join(dir, n));
  if (found.length === 0) throw new InputError(`${dir}: no Dockerfile, compose file or Kubernetes manifest in this folder`, 'name the files to lint, or a folder that holds them');
  return found;
}

function expand(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new InputError(`${p}: no such file or folder`, 'name Dockerfiles, compose or Kubernetes YAML, entrypoint scripts or a folder');
    out.push(...(statSync(p).isDirectory() ? folderInputs(p) : [p]));
  }
  return [...new Set(out)];
}

export async function runLint(flags: Record<string, unknown>, paths: string[], io: IO): Promise<number> {
  const eo = toEngineOptions(flags, io.env);
  const images = (flags.image as string[] | undefined) ?? [];
  if (paths.length === 0 && images.length === 0) throw new UsageError('name Dockerfiles, compose or Kubernetes YAML, entrypoint scripts, a folder, or --image REF', 'see: zombie-audit lint --help');
  const format = lintFormat(flags);
  let config;
  try { config = await loadConfig(flags.config as string | undefined); } catch (e) { throw new InputError((e as Error).message, 'the config holds {ignore: [ids], severity: {ID: level}, failOn}'); }
  const failOn = (flags['fail-on'] as Severity | 'none' | undefined) ?? config.failOn ?? 'warning';
  if (!['error', 'warning', 'info', 'none'].includes(failOn)) throw new InputError(`the config's failOn must be error, warning, info or none, not ${JSON.stringify(failOn)}`);
  const files = expand(paths);
  let specs: RunSpec[] = [];
  if (images.length) {
    // loaded only for --image: the engine client is not needed to lint files (one-file lint start-up)
    const { engineFor } = await import('./shared.js');
    const engine = engineFor(eo, io.env);
    try {
      const { imageSpec } = await import('../lint/image.js');
      specs = await Promise.all(images.map((i) => imageSpec(engine, i)));
    } finally {
      engine.close();
    }
  }
  let result;
  try {
    result = await lintPaths(files, { target: flags.target as string | undefined, images: specs, config });
  } catch (e) {
    throw e instanceof Error && !(e as NodeJS.ErrnoException).code ? new InputError(e.message) : e;
  }
  const findings = dedupe(result.findings);
  if (format === 'json') io.stdout.write(toJSON({ schema: 'zombie-audit/lint@1', files: result.files, findings }));
  else if (format === 'sarif') io.stdout.write(await (await import('../render/sarif.js')).toSarif(findings));
  else if (format === 'github') io.stdout.write((await import('../render/github.js')).toGithub(findings));
  else io.stdout.write((await import('../render/lint-human.js')).renderLintHuman(result.files, findings, await makeStyle(wantColor(io.stdout, io.env))));
  return atOrAbove(findings, failOn).length > 0 ? EXIT.FINDINGS : EXIT.OK;
}
