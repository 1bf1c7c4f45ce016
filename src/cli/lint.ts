import { readFileSync } from 'node:fs';
import { atOrAbove, type Severity } from '../findings/model.js';
import { lintPaths, loadConfig } from '../lint/lint.js';
import type { RunSpec } from '../lint/spec.js';
import { toJSON } from '../render/json.js';
import { makeStyle, wantColor } from '../render/style.js';
import { ENGINE_FLAGS, toEngineOptions, UsageError, type FlagSpec } from './audit-options.js';
import { engineFor, reportError } from './audit.js';
import type { IO } from './io.js';
import { packageRoot } from '../paths.js';
import { join } from 'node:path';
import { escapeText as esc } from '../render/escape.js';

export const LINT_FLAGS = {
  image: { type: 'string', multiple: true, description: 'lint an image on the engine by reference (its config, inits present, entrypoint script), repeatable' },
  target: { type: 'string', description: 'the Dockerfile stage that runs (default: the last)' },
  format: { type: 'string', options: ['tty', 'json', 'sarif'], default: 'tty', description: 'output: tty (file:line, rule, message, fix), json, or SARIF 2.1.0 for code scanning' },
  config: { type: 'string', description: 'config file (default: .zombie-audit.json or .zombie-audit.yaml in the working folder)' },
  ...ENGINE_FLAGS,
} as const satisfies Record<string, FlagSpec>;

export async function runLint(flags: Record<string, unknown>, paths: string[], io: IO): Promise<number> {
  const eo = toEngineOptions(flags, io.env);
  const images = (flags.image as string[] | undefined) ?? [];
  if (paths.length === 0 && images.length === 0) throw new UsageError('name Dockerfiles, compose or Kubernetes YAML, entrypoint scripts, a folder, or --image REF');
  const format = eo.json ? 'json' : String(flags.format ?? 'tty');
  let config;
  try { config = await loadConfig(flags.config as string | undefined); } catch (e) { throw new UsageError((e as Error).message); }
  const failOn = (flags['fail-on'] as Severity | 'none' | undefined) ?? config.failOn ?? 'warning';
  let specs: RunSpec[] = [];
  if (images.length) {
    const engine = engineFor(eo, io.env);
    try {
      const { imageSpec } = await import('../lint/image.js');
      specs = await Promise.all(images.map((i) => imageSpec(engine, i)));
    } catch (e) {
      return reportError(e, io, format === 'json');
    } finally {
      engine.close();
    }
  }
  let result;
  try {
    result = await lintPaths([...paths], { target: flags.target as string | undefined, images: specs, config });
  } catch (e) {
    io.stderr.write(`zombie-audit: ${(e as Error).message}\n`);
    return 2;
  }
  const version = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
  if (format === 'json') io.stdout.write(toJSON({ schema: 'zombie-audit/lint@1', files: result.files, findings: result.findings }));
  else if (format === 'sarif') io.stdout.write(await (await import('../render/sarif.js')).toSarif(result.findings, version));
  else {
    const s = await makeStyle(wantColor(io.stdout, io.env));
    for (const f of result.findings) {
      io.stdout.write(`${s.bold(`${esc(f.location?.file ?? '?')}:${f.location?.line ?? 1}`)} ${s.sev(f.severity)} ${s.bold(f.id)} ${esc(f.message)}\n  ${s.green('fix:')} ${esc(f.fix)}\n`);
    }
    io.stdout.write(result.findings.length === 0 ? s.green(`${result.files.length} file(s): no findings\n`) : s.dim(`${result.files.length} file(s), ${result.findings.length} finding(s); docs: docs/findings/<id>.md\n`));
  }
  return atOrAbove(result.findings, failOn).length > 0 ? 1 : 0;
}
