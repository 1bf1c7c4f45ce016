import { existsSync, readFileSync, renameSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pid1Facts } from '../lint/analyze.js';
import { parseDockerfile } from '../lint/dockerfile.js';
import { analyzeScript } from '../lint/shell.js';
import { isInit } from '../lint/spec.js';
import { shimFor } from './image.js';

export type InitChoice = 'auto' | 'tini' | 'dumb-init' | 'shim';

export interface DockerfilePatch {
  path: string;
  changed: boolean;
  /** unified diff */
  diff: string;
  notes: string[];
  newText: string;
  /** files to add next to the Dockerfile (the shim) */
  adds: Array<{ path: string; data: Buffer; mode: number }>;
}

/** A shell-form string that is one simple command with no shell feature: safe to split into argv. */
async function plainArgv(text: string): Promise<string[] | undefined> {
  const t = text.trim().replace(/^exec\s+/, '');
  if (/[$`*?[\]{}~<>|;&()\\'"#]/.test(t) || /\n/.test(t)) return undefined;
  const f = await analyzeScript(t);
  return f.simple ? t.split(/\s+/) : undefined;
}

const json = (argv: string[]): string => JSON.stringify(argv).replace(/","/g, '", "');

/**
 * Rewrite a Dockerfile's final stage so an init is PID 1 and CMD/ENTRYPOINT use the exec form
 * where that keeps the meaning. The init comes from the image's package manager when the file
 * shows one (apt-get, apk), else the project's shim is copied in next to the Dockerfile.
 */
export async function patchDockerfile(path: string, o: { init: InitChoice; target?: string }): Promise<DockerfilePatch> {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const d = await parseDockerfile(path, { target: o.target });
  const facts = await pid1Facts(d.spec);
  const notes: string[] = [];
  const adds: DockerfilePatch['adds'] = [];
  const replace = new Map<number, string[]>(); // 1-based line → new lines (the instruction's lines)
  const spans = new Map<number, number>(); // 1-based first line → last line of an instruction
  const { DockerfileParser } = await import('dockerfile-ast');
  for (const ins of DockerfileParser.parse(text).getInstructions()) spans.set(ins.getRange().start.line + 1, ins.getRange().end.line + 1);

  // 1. exec form where it keeps the meaning
  let epArgv = d.spec.entrypoint?.argv;
  for (const [kw, form] of [['ENTRYPOINT', d.spec.entrypoint], ['CMD', d.spec.cmd]] as const) {
    if (!form || form.shell === undefined || form.at.file !== d.spec.what) continue;
    const argv = await plainArgv(form.shell);
    if (argv) {
      replace.set(form.at.line, [`${kw} ${json(argv)}`]);
      if (kw === 'ENTRYPOINT') epArgv = argv;
      notes.push(`line ${form.at.line}: ${kw} in exec form (one simple command: the same meaning)`);
    } else {
      notes.push(`line ${form.at.line}: ${kw} keeps the shell form: it uses shell features or several commands; the init in front forwards signals to the shell, so end it with exec or move it into a script that does`);
    }
  }

  // 2. an init as PID 1
  const initInFront = !!facts?.init || (epArgv?.length ? isInit(epArgv[0]) : false);
  if (initInFront) notes.push(`an init is already PID 1 (${facts?.init ?? epArgv?.[0]}): nothing to add`);
  else {
    const installs = lines.join('\n');
    const pm = /\bapk\b/.test(installs) || /alpine/i.test(d.baseImage ?? '') ? 'apk'
      : /\bapt-get\b|\bapt\b/.test(installs) || /debian|ubuntu|bookworm|bullseye|jammy|noble/i.test(d.baseImage ?? '') ? 'apt' : undefined;
    let choice = o.init === 'auto' ? (d.spec.initInstalled ? 'installed' : pm ? 'tini' : 'shim') : o.init;
    if ((choice === 'tini' || choice === 'dumb-init') && !pm && !d.spec.initInstalled) {
      notes.push(`no package manager seen (base ${d.baseImage ?? '?'}): copying the project's static shim instead of installing ${choice}`);
      choice = 'shim';
    }
    let prefix: string[];
    const insert: string[] = [];
    if (choice === 'installed') {
      const name = d.spec.initInstalled!.name;
      prefix = [name === 'dumb-init' ? '/usr/bin/dumb-init' : name === 'za-shim' ? '/za-shim' : name, '--'];
      notes.push(`${name} is installed (line ${d.spec.initInstalled!.at.line}): making it PID 1`);
    } else if (choice === 'shim') {
      prefix = ['/za-shim', '--'];
      insert.push('# zombie-audit: a small static init (za-shim) as PID 1: it forwards signals and reaps zombies', 'COPY za-shim /za-shim');
      adds.push({ path: join(dirname(path), 'za-shim'), data: shimFor('amd64'), mode: 0o755 });
      notes.push('za-shim (linux/amd64) is written next to the Dockerfile with --write; for arm64 images: zombie-audit shim export . --arch arm64 --force');
    } else {
      const pkg = choice;
      prefix = [pkg === 'dumb-init' ? '/usr/bin/dumb-init' : 'tini', '--'];
      insert.push(`# zombie-audit: ${pkg} as PID 1: it forwards signals and reaps zombies`,
        pm === 'apk' ? `RUN apk add --no-cache ${pkg}` : `RUN apt-get update && apt-get install -y --no-install-recommends ${pkg} && rm -rf /var/lib/apt/lists/*`);
    }
    const ep = d.spec.entrypoint;
    if (ep && ep.at.file === d.spec.what && (epArgv || ep.shell !== undefined)) {
      const argv = epArgv ?? [...d.spec.shellArgv, ep.shell ?? ''];
      replace.set(ep.at.line, [...insert, `ENTRYPOINT ${json([...prefix, ...argv])}`]);
      if (!epArgv) notes.push(`line ${ep.at.line}: the shell-form ENTRYPOINT now runs under the init; CMD is still ignored by it, as before`);
    } else {
      const anchor = d.spec.cmd && d.spec.cmd.at.file === d.spec.what ? d.spec.cmd.at.line : undefined;
      const ins = [...insert, `ENTRYPOINT ${json(prefix)}`];
      if (anchor) replace.set(anchor, [...ins, ...(replace.get(anchor) ?? lines.slice(anchor - 1, spans.get(anchor) ?? anchor))]);
      else { lines.push(...ins); notes.push('no CMD or ENTRYPOINT in the final stage: the ENTRYPOINT is added at the end and the base image\'s CMD runs under it'); }
      if (ep && ep.at.file === d.spec.what) notes.push('the ENTRYPOINT was inherited and is kept');
    }
  }
  // apply, last line first
  const out = [...lines];
  for (const start of [...replace.keys()].sort((a, b) => b - a)) {
    const end = spans.get(start) ?? start;
    out.splice(start - 1, end - start + 1, ...replace.get(start)!);
  }
  const newText = out.join('\n');
  const { createTwoFilesPatch } = await import('diff');
  return { path, changed: newText !== text, diff: newText === text ? '' : createTwoFilesPatch(path, path, text, newText, 'original', 'zombie-audit fix'), notes, newText, adds };
}

/** Write the patch: the Dockerfile atomically (temp file + rename), a backup of the original, the shim. */
export function writePatch(p: DockerfilePatch): string[] {
  const done: string[] = [];
  const backup = `${p.path}.zombie-audit.bak`;
  copyFileSync(p.path, backup);
  done.push(`backup: ${backup}`);
  for (const a of p.adds) {
    if (existsSync(a.path)) { done.push(`kept the existing ${a.path}`); continue; }
    const tmp = `${a.path}.tmp-${process.pid}`;
    writeFileSync(tmp, a.data, { mode: a.mode });
    chmodSync(tmp, a.mode);
    renameSync(tmp, a.path);
    done.push(`wrote ${a.path}`);
  }
  const tmp = `${p.path}.tmp-${process.pid}`;
  writeFileSync(tmp, p.newText);
  renameSync(tmp, p.path);
  done.push(`wrote ${p.path}`);
  return done;
}
