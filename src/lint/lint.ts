import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Finding, Severity } from '../findings/model.js';
import { isSeverity } from '../findings/model.js';
import { pid1Facts } from './analyze.js';
import { InputError, parseDockerfile, parsePragmas } from './dockerfile.js';
import type { ShellKind } from './knowledge.js';
import type { LintTarget } from './rule.js';
import { LINT_RULES } from './rules/index.js';
import type { RunSpec } from './spec.js';
import { parseYaml } from './yaml.js';

export interface LintConfig {
  /** ids never reported */
  ignore: string[];
  /** severity overrides per id */
  severity: Record<string, Severity>;
  failOn?: Severity | 'none';
}

export const CONFIG_FILES = ['.zombie-audit.json', '.zombie-audit.yaml', '.zombie-audit.yml'];

export async function loadConfig(path?: string): Promise<LintConfig> {
  const file = path ?? CONFIG_FILES.find((f) => existsSync(f));
  const empty: LintConfig = { ignore: [], severity: {} };
  if (!file) return empty;
  const text = readFileSync(file, 'utf8');
  const raw = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
  const cfg: LintConfig = { ignore: Array.isArray(raw?.ignore) ? raw.ignore.map(String) : [], severity: {} };
  for (const [k, v] of Object.entries(raw?.severity ?? {})) {
    if (!isSeverity(String(v))) throw new Error(`${file}: severity of ${k} must be error, warning or info`);
    cfg.severity[k] = v as Severity;
  }
  if (raw?.failOn !== undefined) cfg.failOn = raw.failOn;
  return cfg;
}

export type InputKind = 'dockerfile' | 'yaml' | 'script' | 'other';

/**
 * A file's kind by its name, then its content: any `Dockerfile*` / `Containerfile*` (Dockerfile.prod,
 * Dockerfile-debian.template), `*.Dockerfile`, `*.dockerfile`; YAML; shell scripts by shebang or `.sh`/`.bash`;
 * a file whose first instruction is FROM. Anything else (a .conf, a Python file) is `other` and not linted as shell.
 */
export function kindOf(path: string, text?: string): InputKind {
  const b = basename(path).toLowerCase();
  if (b.startsWith('dockerfile') || b.startsWith('containerfile') || b.endsWith('.dockerfile') || b.endsWith('.containerfile')) return 'dockerfile';
  if (/\.ya?ml$/.test(b)) return 'yaml';
  const head = text ?? '';
  if (/^#!\s*\S*\b(sh|bash|dash|ash|ksh|zsh)\b/.test(head) || /^#!\s*\S*env\s+(-S\s+)?(sh|bash|dash|ash)\b/.test(head)) return 'script';
  if (/^#!/.test(head)) return 'other';
  if (/\.(sh|bash)$/.test(b)) return 'script';
  if (/^(\s*(#.*)?\n)*\s*(ARG\s+\S+\s*\n(\s*(#.*)?\n|\s*ARG\s.*\n)*\s*)?FROM\s+\S/i.test(head)) return 'dockerfile';
  return 'other';
}

/** a problem with one input file: reported as ZL001 at its line, and the other files are still linted */
function inputFinding(file: string, line: number, message: string, severity: Severity, fix: string): Finding {
  return { id: 'ZL001', severity, location: { file, line }, message, evidence: [], fix };
}

async function run(target: LintTarget): Promise<Finding[]> {
  return LINT_RULES.flatMap((r) => r.check(target));
}

function applyIgnores(findings: Finding[], pragmas: Map<string, { ignores: Map<number, Set<string>>; fileIgnores: Set<string> }>, cfg: LintConfig): Finding[] {
  return findings.filter((f) => {
    if (cfg.ignore.includes(f.id)) return false;
    const p = f.location?.file ? pragmas.get(f.location.file) : undefined;
    if (p?.fileIgnores.has(f.id)) return false;
    if (p && f.location?.line && p.ignores.get(f.location.line)?.has(f.id)) return false;
    return true;
  }).map((f) => (cfg.severity[f.id] ? { ...f, severity: cfg.severity[f.id] } : f));
}

async function pragmasFor(file: string, cache: Map<string, ReturnType<typeof parsePragmas>>): Promise<void> {
  if (cache.has(file) || !existsSync(file)) return;
  cache.set(file, parsePragmas(readFileSync(file, 'utf8')));
}

export interface LintResult { files: string[]; findings: Finding[] }

const FOLDER_FILES = /^(dockerfile.*|containerfile.*|.*\.dockerfile|.*\.ya?ml)$/i;

/** A Dockerfile's PID 1 model and findings (the container proofs compare them with a run). */
export async function explainDockerfile(path: string, opts: { sh?: ShellKind; target?: string } = {}): Promise<{ facts?: Awaited<ReturnType<typeof pid1Facts>>; findings: Finding[] }> {
  const d = await parseDockerfile(path, opts);
  const facts = await pid1Facts(d.spec);
  return { facts, findings: await run({ facts, file: d.spec.what }) };
}

/** Lint files (Dockerfiles, compose and Kubernetes YAML, entrypoint scripts) and image specs. */
export async function lintPaths(paths: string[], opts: { target?: string; images?: RunSpec[]; config: LintConfig; sh?: ShellKind }): Promise<LintResult> {
  const findings: Finding[] = [];
  const pragmas = new Map<string, ReturnType<typeof parsePragmas>>();
  const files: string[] = [];
  const queue = [...paths];
  for (let qi = 0; qi < queue.length; qi++) {
    const p = queue[qi];
    if (existsSync(p) && statSync(p).isDirectory()) {
      const found = readdirSync(p).filter((f) => FOLDER_FILES.test(f)).sort().map((f) => join(p, f));
      if (found.length === 0) throw new Error(`${p}: no Dockerfile or compose file in this folder`);
      queue.push(...found);
      continue;
    }
    if (!existsSync(p)) throw new Error(`${p}: no such file`);
    files.push(p);
    const rel = relative(process.cwd(), p) || p;
    try {
      findings.push(...(await lintFile(p, rel, opts, pragmas)));
    } catch (e) {
      if (e instanceof InputError) findings.push(inputFinding(e.file, e.line, e.message, e.severity, 'check the file; lint reads Dockerfiles, compose and Kubernetes YAML, and shell scripts'));
      else findings.push(inputFinding(rel, 1, `${rel}: could not be read: ${(e as Error).message}`, 'warning', 'check the file is complete and in a format lint reads'));
    }
  }
  for (const spec of opts.images ?? []) {
    files.push(spec.what);
    findings.push(...(await run({ facts: await pid1Facts(spec), file: spec.what })));
  }
  const sorted = applyIgnores(findings, pragmas, opts.config).sort((a, b) =>
    (a.location?.file ?? '').localeCompare(b.location?.file ?? '') || (a.location?.line ?? 0) - (b.location?.line ?? 0) || a.id.localeCompare(b.id));
  return { files, findings: sorted };
}

async function lintFile(p: string, rel: string, opts: { target?: string; sh?: ShellKind }, pragmas: Map<string, ReturnType<typeof parsePragmas>>): Promise<Finding[]> {
  const text = readFileSync(p, 'utf8');
  const kind = kindOf(p, text.slice(0, 4096));
  const out: Finding[] = [];
  if (kind === 'dockerfile') {
    const d = await parseDockerfile(p, { target: opts.target, sh: opts.sh });
    pragmas.set(d.spec.what, { ignores: d.ignores, fileIgnores: d.fileIgnores });
    if (d.spec.windows) {
      return [{ id: 'ZL002', severity: 'info', location: { file: d.spec.what, line: d.spec.at.line }, message: `a Windows image (${d.spec.windows}): Linux PID 1 rules do not apply, not linted`, evidence: [], fix: 'nothing to do' }];
    }
    const facts = await pid1Facts(d.spec);
    const fs = await run({ facts, file: d.spec.what });
    for (const f of fs) if (f.location?.file) await pragmasFor(f.location.file, pragmas);
    out.push(...fs);
  } else if (kind === 'yaml') {
    const y = await parseYaml(p, { sh: opts.sh });
    pragmas.set(rel, { ignores: y.ignores, fileIgnores: y.fileIgnores });
    for (const e of y.errors) out.push(inputFinding(rel, e.line, `${rel}:${e.line}: ${e.message}`, 'error', 'fix the YAML: compose and kubectl refuse this file'));
    for (const t of y.targets) {
      const facts = t.spec ? await pid1Facts(t.spec) : undefined;
      const fs = await run({ facts, orchestration: t.orchestration, file: rel });
      for (const f of fs) if (f.location?.file) await pragmasFor(f.location.file, pragmas);
      out.push(...fs);
    }
  } else if (kind === 'script') {
    // a script on its own: as if it were the ENTRYPOINT
    const at = { file: rel, line: 1 };
    const spec: RunSpec = { what: rel, entrypoint: { argv: [p], at }, shellArgv: ['/bin/sh', '-c'], at, script: async (q) => (q === p ? { path: rel, text, at } : undefined), sh: { kind: opts.sh ?? 'unknown', why: 'a script on its own' } };
    pragmas.set(rel, parsePragmas(text));
    out.push(...(await run({ facts: await pid1Facts(spec), file: rel })).filter((f) => f.id !== 'ZL105'));
  } else {
    return [inputFinding(rel, 1, `${rel}: not a Dockerfile, compose or Kubernetes YAML, nor a shell script (by its name and first line): not linted`, 'info', 'name Dockerfiles, YAML files and shell scripts (#!/bin/sh)')];
  }
  return out;
}
