import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Finding, Severity } from '../findings/model.js';
import { isSeverity } from '../findings/model.js';
import { pid1Facts } from './analyze.js';
import { parseDockerfile, parsePragmas } from './dockerfile.js';
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

export type InputKind = 'dockerfile' | 'yaml' | 'script' | 'image';

export function kindOf(path: string): InputKind {
  const b = basename(path).toLowerCase();
  if (b === 'dockerfile' || b.startsWith('dockerfile.') || b.endsWith('.dockerfile') || b === 'containerfile') return 'dockerfile';
  if (/\.ya?ml$/.test(b)) return 'yaml';
  return 'script';
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

/** Lint files (Dockerfiles, compose and Kubernetes YAML, entrypoint scripts) and image specs. */
export async function lintPaths(paths: string[], opts: { target?: string; images?: RunSpec[]; config: LintConfig }): Promise<LintResult> {
  const findings: Finding[] = [];
  const pragmas = new Map<string, ReturnType<typeof parsePragmas>>();
  const files: string[] = [];
  for (let p of paths) {
    if (existsSync(p) && statSync(p).isDirectory()) {
      const found = ['Dockerfile', 'Containerfile', 'compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'].map((f) => join(p, f)).filter(existsSync);
      if (found.length === 0) throw new Error(`${p}: no Dockerfile or compose file in this folder`);
      paths.push(...found.slice(1));
      p = found[0];
    }
    if (!existsSync(p)) throw new Error(`${p}: no such file`);
    files.push(p);
    const kind = kindOf(p);
    if (kind === 'dockerfile') {
      const d = await parseDockerfile(p, { target: opts.target });
      pragmas.set(d.spec.what, { ignores: d.ignores, fileIgnores: d.fileIgnores });
      const facts = await pid1Facts(d.spec);
      const fs = await run({ facts, file: d.spec.what });
      for (const f of fs) if (f.location?.file) await pragmasFor(f.location.file, pragmas);
      findings.push(...fs);
    } else if (kind === 'yaml') {
      const y = await parseYaml(p);
      const file = y.targets[0]?.spec?.at.file ?? p;
      pragmas.set(file, { ignores: y.ignores, fileIgnores: y.fileIgnores });
      for (const t of y.targets) {
        const facts = t.spec ? await pid1Facts(t.spec) : undefined;
        const fs = await run({ facts, orchestration: t.orchestration, file });
        for (const f of fs) if (f.location?.file) await pragmasFor(f.location.file, pragmas);
        findings.push(...fs);
      }
    } else {
      // a script on its own: as if it were the ENTRYPOINT
      const text = readFileSync(p, 'utf8');
      const at = { file: p, line: 1 };
      const spec: RunSpec = { what: p, entrypoint: { argv: [p], at }, shellArgv: ['/bin/sh', '-c'], at, script: async () => ({ path: p, text, at }) };
      pragmas.set(p, parsePragmas(text));
      findings.push(...(await run({ facts: await pid1Facts(spec), file: p })).filter((f) => f.id !== 'ZL105'));
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
