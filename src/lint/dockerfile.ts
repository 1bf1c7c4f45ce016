import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { baseImageShell, shellOfInterpreter, type ShellKind } from './knowledge.js';
import type { RunSpec, Form, ScriptSource } from './spec.js';

/** A file lint cannot read as a Dockerfile (no FROM): reported as a finding, the other files go on. */
export class InputError extends Error {
  constructor(readonly file: string, readonly line: number, message: string, readonly severity: 'error' | 'warning' | 'info' = 'warning') { super(message); }
}

/**
 * A Dockerfile's final stage (or --target) as a RunSpec, with dockerfile-ast. CMD, ENTRYPOINT,
 * SHELL and STOPSIGNAL are inherited through stages that build FROM an earlier stage of the same
 * file; COPY/ADD sources are kept so entrypoint scripts are read from the build context.
 */
export interface DockerfileFacts {
  spec: RunSpec;
  /** line (1-based) → ids ignored there by `# zombie-audit ignore=ID[,ID] reason` on the line before */
  ignores: Map<number, Set<string>>;
  /** ids ignored in the whole file (`# zombie-audit ignore-file=ID`) */
  fileIgnores: Set<string>;
  /** the final stage's FROM image (outside this file), for messages */
  baseImage?: string;
}

const INIT_PACKAGE = /\b(tini|dumb-init|catatonit)\b/;

function jsonForm(content: string): string[] | undefined {
  const t = content.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  try {
    const v = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined; // `["a", $VAR]` or single quotes: docker runs it in shell form
  }
}

/** Build-time substitution as docker does it: ${VAR}, ${VAR:-default}, ${VAR:+alt}, $VAR. */
export function substitute(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced, op, word, bare) => {
    const name = braced ?? bare;
    const v = vars.get(name);
    if (op === '-') return v ? v : word;
    if (op === '+') return v ? word : '';
    return v ?? all;
  });
}

/** ENV K=V K2="V 2" or ENV K V; ARG K[=default]. */
function assignments(content: string, legacy: boolean): Array<[string, string]> {
  if (legacy && !/^\s*[A-Za-z_][A-Za-z0-9_]*=/.test(content)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(content);
    return m ? [[m[1], m[2].trim()]] : [];
  }
  const out: Array<[string, string]> = [];
  for (const m of content.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    out.push([m[1], (m[2] ?? '').replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1')]);
  }
  return out;
}

export function parsePragmas(text: string, prefix = '#'): { ignores: Map<number, Set<string>>; fileIgnores: Set<string> } {
  const ignores = new Map<number, Set<string>>();
  const fileIgnores = new Set<string>();
  text.split('\n').forEach((line, i) => {
    const m = new RegExp(`^\\s*${prefix}\\s*zombie-audit\\s+(ignore|ignore-file)=([A-Z0-9,]+)`).exec(line);
    if (!m) return;
    const ids = m[2].split(',').filter(Boolean);
    if (m[1] === 'ignore-file') ids.forEach((id) => fileIgnores.add(id));
    else {
      // applies to the next line that is not a comment (1-based: i + 2 onwards)
      const lines = text.split('\n');
      let j = i + 1;
      while (j < lines.length && /^\s*(#|$)/.test(lines[j])) j++;
      ignores.set(j + 1, new Set(ids));
    }
  });
  return { ignores, fileIgnores };
}

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

/** `*.sh`-style globs in the last path component (what COPY accepts most often) */
function expandGlob(context: string, src: string): string[] {
  if (!/[*?[]/.test(src)) return [src];
  const slash = src.lastIndexOf('/');
  const dir = slash >= 0 ? src.slice(0, slash) : '.';
  const pat = new RegExp('^' + src.slice(slash + 1).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  try { return readdirSync(resolve(context, dir)).filter((n) => pat.test(n)).map((n) => (slash >= 0 ? `${dir}/${n}` : n)); } catch { return []; }
}

export interface Instruction {
  keyword: string;
  /** the arguments, continuation lines joined */
  args: string;
  /** 0-based first and last line */
  line: number;
  endLine: number;
}

/**
 * A Dockerfile's instructions, as the builder reads them: the escape parser directive, line continuations
 * (comment and empty lines inside them skipped), heredocs (`RUN <<EOF ... EOF`) kept out of the instruction
 * stream. Hand-written for speed: dockerfile-ast, used before, cost ~2 ms a file in argument parsing alone,
 * and lint needs only keywords, arguments and lines (bench/lint.bench.ts).
 */
export function splitInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  let i = 0;
  // parser directives: only before anything else
  for (; i < lines.length; i++) {
    const d = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[i]);
    if (!d) break;
    if (d[1].toLowerCase() === 'escape' && (d[2] === '`' || d[2] === '\\')) escape = d[2];
  }
  const out: Instruction[] = [];
  for (; i < lines.length; i++) {
    const first = lines[i];
    if (/^\s*(#|$)/.test(first)) continue;
    const m = /^\s*([A-Za-z]+)(?:\s+|$)(.*)$/.exec(first);
    if (!m) continue;
    const start = i;
    let args = m[2];
    while (args.trimEnd().endsWith(escape) && i + 1 < lines.length) {
      args = args.trimEnd().slice(0, -1);
      i++;
      while (i < lines.length - 1 && /^\s*(#.*)?$/.test(lines[i])) i++;
      args += ' ' + lines[i];
    }
    if (args.trimEnd().endsWith(escape)) args = args.trimEnd().slice(0, -1);
    const keyword = m[1].toUpperCase();
    // heredocs: their bodies are not instructions
    for (const h of args.matchAll(/<<(-?)\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/g)) {
      if (keyword !== 'RUN' && keyword !== 'COPY' && keyword !== 'ADD') break;
      const strip = h[1] === '-';
      while (i + 1 < lines.length) {
        i++;
        if ((strip ? lines[i].replace(/^\t+/, '') : lines[i]) === h[2] || lines[i].trim() === h[2]) break;
      }
    }
    out.push({ keyword, args: args.trim(), line: start, endLine: i });
  }
  return out;
}

export async function parseDockerfile(path: string, opts: { target?: string; context?: string; sh?: ShellKind } = {}): Promise<DockerfileFacts> {
  const text = readFileSync(path, 'utf8');
  const file = relative(process.cwd(), path) || path;
  const context = opts.context ?? dirname(path);
  const instructions = splitInstructions(text);
  const froms = instructions.filter((x) => x.keyword === 'FROM').map((x) => {
    const m = /^(?:--\S+\s+)*(\S+)(?:\s+as\s+(\S+))?/i.exec(x.args);
    return { image: m?.[1], stage: m?.[2]?.toLowerCase(), line: x.line };
  });
  if (froms.length === 0) throw new InputError(file, 1, `${file}: no FROM instruction: not a complete Dockerfile (a template or a fragment?), not linted`, 'info');
  const stageNames = froms.map((f) => f.stage);
  let last = froms.length - 1;
  if (opts.target) {
    last = stageNames.indexOf(opts.target.toLowerCase());
    if (last < 0) throw new Error(`${file}: no stage named ${opts.target} (stages: ${stageNames.filter(Boolean).join(', ') || 'none named'})`);
  }
  // the chain of stages the final one builds on, within this file
  const chain: number[] = [];
  for (let i: number | undefined = last; i !== undefined && i >= 0;) {
    chain.unshift(i);
    const image = froms[i].image?.toLowerCase();
    const parent = stageNames.findIndex((n, k) => k < i! && n !== undefined && n === image);
    i = parent >= 0 ? parent : undefined;
  }
  const stageStart = froms.map((f) => f.line);
  const inChain = (line: number): boolean => chain.some((s) => line >= stageStart[s] && (s + 1 >= stageStart.length || line < stageStart[s + 1]));
  const spec: RunSpec = {
    what: file, shellArgv: ['/bin/sh', '-c'], at: { file, line: stageStart[last] + 1 },
    script: async () => undefined,
  };
  const preArgs = new Map<string, string>();
  for (const l of text.slice(0, text.search(/^\s*FROM\s/im) >>> 0).split('\n')) {
    const m = /^\s*ARG\s+(.*)$/i.exec(l);
    if (m) for (const [k, v] of assignments(m[1], false)) preArgs.set(k, v);
  }
  const rawBase = froms[chain[0]].image;
  const base = rawBase === undefined ? undefined : substitute(rawBase, preArgs);
  const bf = baseImageShell(base);
  spec.sh = opts.sh ? { kind: opts.sh, why: 'set by the caller' } : { kind: bf.shell, why: bf.shell === 'unknown' ? `the base image ${base ?? '?'} is not one lint knows` : `the base image ${base} (${bf.family})` };
  if (bf.windows) spec.windows = base;
  let cmdStage = -1;
  const stageOf = (line: number): number => { let k = 0; for (let s = 0; s < stageStart.length; s++) if (line >= stageStart[s]) k = s; return k; };
  const copies: Array<{ srcs: string[]; dest: string; line: number }> = [];
  const vars = new Map<string, string>();
  const globals = new Map<string, string>();
  let workdir = '/';
  for (const ins of instructions) {
    const line = ins.line;
    const kw = ins.keyword;
    const raw = ins.args;
    if (kw === 'ARG' && line < stageStart[0]) { for (const [k, v] of assignments(raw, false)) globals.set(k, v); continue; }
    if (!inChain(line)) continue;
    const at = { file, line: line + 1 };
    // ENV and ARG values, and WORKDIR, as docker substitutes them (not in CMD/ENTRYPOINT)
    const content = ['COPY', 'ADD', 'WORKDIR', 'STOPSIGNAL', 'ENV', 'ARG'].includes(kw) ? substitute(raw, vars) : raw;
    if (kw === 'ARG') { for (const [k, v] of assignments(content, false)) if (!vars.has(k)) vars.set(k, v || globals.get(k) || ''); continue; }
    if (kw === 'ENV') { for (const [k, v] of assignments(content, true)) vars.set(k, v); continue; }
    if (kw === 'WORKDIR') { workdir = content.trim().startsWith('/') ? content.trim() : join(workdir, content.trim()); continue; }
    const form = (): Form => {
      const argv = jsonForm(content);
      return argv ? { argv, at } : { shell: content, at };
    };
    // ENTRYPOINT resets a CMD inherited from an earlier stage, not one set before it in the same stage (as docker does)
    if (kw === 'ENTRYPOINT') { spec.entrypoint = form(); if (cmdStage !== stageOf(line)) spec.cmd = undefined; }
    else if (kw === 'CMD') { spec.cmd = form(); cmdStage = stageOf(line); }
    else if (kw === 'SHELL') {
      spec.shellArgv = jsonForm(content) ?? spec.shellArgv;
      const prog = spec.shellArgv[0] ?? '';
      if (/powershell|pwsh|cmd(\.exe)?$/i.test(prog)) spec.windows ??= `SHELL ${content.trim()}`;
      else if (!opts.sh) spec.sh = { kind: shellOfInterpreter(prog, spec.sh!.kind), why: `SHELL ${content.trim()} (line ${line + 1})` };
    }
    else if (kw === 'STOPSIGNAL') spec.stopSignal = { value: content.trim(), at };
    else if (kw === 'RUN' && INIT_PACKAGE.test(content) && /\b(apt-get|apt|apk|yum|dnf|microdnf|zypper)\b.*\binstall\b|\bcurl\b|\bwget\b/.test(content)) {
      spec.initInstalled = { name: INIT_PACKAGE.exec(content)![1], at };
    } else if (kw === 'COPY' || kw === 'ADD') {
      if (/(^|\s)--from=/.test(content)) continue;
      const args = content.trim().split(/\s+/).filter((a) => !a.startsWith('--'));
      const argv = jsonForm(content.replace(/^(\s*--\S+\s+)+/, ''));
      const parts = argv ?? args;
      if (parts.length >= 2) {
        const dest = parts[parts.length - 1];
        copies.push({ srcs: parts.slice(0, -1), dest: dest.startsWith('/') ? dest : join(workdir, dest) + (dest.endsWith('/') || dest === '.' ? '/' : ''), line: line + 1 });
        const init = parts.slice(0, -1).map((p) => INIT_PACKAGE.exec(p)?.[1] ?? (/za-shim/.test(p) ? 'za-shim' : undefined)).find(Boolean);
        if (init) spec.initInstalled = { name: init, at };
      }
    }
  }
  const finalWorkdir = workdir;
  const scripts = new Map<string, ScriptSource | undefined>();
  spec.script = async (p0: string): Promise<ScriptSource | undefined> => {
    if (scripts.has(p0)) return scripts.get(p0);
    const found = findInContext(p0);
    scripts.set(p0, found);
    return found;
  };
  /** the file of the build context that lands at a path of the image (COPY/ADD of files, folders and globs) */
  const findInContext = (p0: string): ScriptSource | undefined => {
    const bare = !p0.includes('/');
    const wanted = bare ? PATH_DIRS.map((d) => `${d}/${p0}`).concat(join(finalWorkdir, p0)) : [p0.startsWith('/') ? p0 : join(finalWorkdir, p0)];
    const read = (onDisk: string, line: number): ScriptSource | undefined => {
      try {
        if (!statSync(onDisk).isFile() || statSync(onDisk).size > 2_000_000) return undefined;
        return { path: relative(process.cwd(), onDisk) || onDisk, text: readFileSync(onDisk, 'utf8'), at: { file, line } };
      } catch { return undefined; }
    };
    for (const c of [...copies].reverse()) {
      for (const src0 of c.srcs) {
        if (/^https?:\/\//.test(src0) || src0.startsWith('$')) continue;
        for (const src of expandGlob(context, src0)) {
          const onDisk = resolve(context, src);
          if (isDir(onDisk)) {
            const destDir = c.dest.replace(/\/+$/, '') || '/';
            for (const w of wanted) {
              if (w.startsWith(destDir === '/' ? '/' : destDir + '/')) {
                const hit = read(join(onDisk, w.slice(destDir.length)), c.line);
                if (hit) return hit;
              }
            }
            continue;
          }
          const srcBase = src.replace(/\/$/, '').slice(src.replace(/\/$/, '').lastIndexOf('/') + 1);
          const destIsDir = c.dest.endsWith('/') || c.srcs.length > 1 || src0 !== src;
          const target = destIsDir ? join(c.dest, srcBase) : c.dest;
          const matches = wanted.includes(target) || (bare && target.slice(target.lastIndexOf('/') + 1) === p0);
          if (!matches) continue;
          if (!existsSync(onDisk)) return undefined;
          return read(onDisk, c.line);
        }
      }
    }
    return undefined;
  };
  const { ignores, fileIgnores } = parsePragmas(text);
  return { spec, ignores, fileIgnores, baseImage: base };
}
