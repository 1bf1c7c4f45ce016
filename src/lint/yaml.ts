import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseDockerfile, parsePragmas } from './dockerfile.js';
import type { Orchestration } from './rule.js';
import type { Form, RunSpec } from './spec.js';
import { baseImageShell, type ShellKind } from './knowledge.js';

/** One thing to lint from a YAML file: a compose service or a Kubernetes container. */
export interface YamlTarget {
  spec?: RunSpec;
  orchestration: Orchestration;
}

/** compose's string form is split like a shell would, without running one (no sh -c). */
export function shellSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | undefined;
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) q = undefined;
      else if (c === '\\' && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") { q = c; has = true; }
    else if (c === '\\' && i + 1 < s.length) { cur += s[++i]; has = true; }
    else if (/\s/.test(c)) { if (cur || has) out.push(cur); cur = ''; has = false; }
    else { cur += c; has = true; }
  }
  if (cur || has) out.push(cur);
  return out;
}

function seconds(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|us|h|m|s)/g;
  let m;
  let any = false;
  while ((m = re.exec(v))) { any = true; total += Number(m[1]) * ({ h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 }[m[2]] ?? 1); }
  return any ? total : Number.isFinite(Number(v)) ? Number(v) : undefined;
}

export async function parseYaml(path: string, opts: { sh?: ShellKind } = {}): Promise<{ targets: YamlTarget[]; ignores: Map<number, Set<string>>; fileIgnores: Set<string>; errors: Array<{ line: number; message: string }> }> {
  const { parseAllDocuments, LineCounter, isMap, isSeq, isScalar, isAlias } = await import('yaml');
  const text = readFileSync(path, 'utf8');
  const file = relative(process.cwd(), path) || path;
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, merge: true });
  const targets: YamlTarget[] = [];
  type N = import('yaml').Node | null | undefined;
  const lineOf = (n: N, fallback = 1): number => (n && n.range ? lc.linePos(n.range[0]).line : fallback);
  let curDoc: import('yaml').Document.Parsed | undefined;
  // anchors and aliases (`command: *cmd`, `<<: *defaults` is merged by the parser)
  const deref = (n: N): N => (isAlias(n) && curDoc ? (n.resolve(curDoc) as N) : n);
  const get = (m: N, key: string): N => { const d = deref(m); return isMap(d) ? deref(d.get(key, true) as N) : undefined; };
  const errors: Array<{ line: number; message: string }> = [];
  const shOf = (image: N): RunSpec['sh'] => {
    if (opts.sh) return { kind: opts.sh, why: 'set by the caller' };
    const ref = isScalar(image) ? String(image.value) : undefined;
    const b = baseImageShell(ref);
    return { kind: b.shell, why: ref ? `the image ${ref} (${b.family})` : 'no image named' };
  };
  const pairLine = (m: N, key: string): number => {
    if (!isMap(m)) return 1;
    const p = m.items.find((it) => isScalar(it.key) && it.key.value === key);
    return lineOf(p?.key as N, lineOf(m));
  };
  const strs = (n: N): string[] | undefined => (isSeq(n) ? n.items.map((x0) => { const x = deref(x0 as N); return String(isScalar(x) ? x.value : x); }) : undefined);
  const form = (n0: N, composeString: boolean): Form | undefined => {
    const n = deref(n0);
    if (!n) return undefined;
    const at = { file, line: lineOf(n) };
    const list = strs(n);
    if (list) return { argv: list, at };
    if (isScalar(n) && typeof n.value === 'string') return composeString ? { argv: shellSplit(n.value), at } : { shell: n.value, at };
    return undefined;
  };
  for (const doc of docs) {
    curDoc = doc;
    for (const e of doc.errors) errors.push({ line: e.linePos?.[0]?.line ?? 1, message: e.message.split('\n')[0] });
    if (doc.errors.length) continue;
    const root = doc.contents as N;
    if (!isMap(root)) continue;
    const services = get(root, 'services');
    if (isMap(services)) {
      for (const item of services.items) {
        const name = String(isScalar(item.key) ? item.key.value : '?');
        const svc = deref(item.value as N);
        if (!isMap(svc)) continue;
        let spec: RunSpec | undefined;
        const build = get(svc, 'build');
        const ctx = isScalar(build) ? String(build.value) : isMap(build) ? String((get(build, 'context') as { value?: unknown } | undefined)?.value ?? '.') : undefined;
        if (ctx !== undefined) {
          const dfName = isMap(build) ? String((get(build, 'dockerfile') as { value?: unknown } | undefined)?.value ?? 'Dockerfile') : 'Dockerfile';
          const context = resolve(dirname(path), ctx);
          try { spec = (await parseDockerfile(join(context, dfName), { context, sh: opts.sh, target: isMap(build) ? (get(build, 'target') as { value?: string } | undefined)?.value : undefined })).spec; } catch { spec = undefined; }
        }
        const ep = form(get(svc, 'entrypoint'), true);
        const cmd = form(get(svc, 'command'), true);
        if (ep || cmd) {
          // command: replaces the image's CMD and is passed to its ENTRYPOINT (known when the service builds
          // from a Dockerfile lint reads); for an image lint cannot read, a command that starts with a flag
          // is only arguments to an unknown ENTRYPOINT: nothing to say about PID 1
          const known = spec !== undefined;
          const base: RunSpec = spec ?? { what: `compose service ${name}`, shellArgv: ['/bin/sh', '-c'], at: { file, line: lineOf(item.key as N) }, script: async () => undefined, sh: shOf(get(svc, 'image')), entrypointUnknown: true };
          spec = { ...base, what: `compose service ${name}`, entrypoint: ep ?? (cmd ? base.entrypoint : undefined), cmd: cmd ?? (ep ? undefined : base.cmd) };
          if (!known && !ep && cmd?.argv?.[0]?.startsWith('-')) spec = undefined;
        }
        const init = get(svc, 'init');
        const stopSignal = get(svc, 'stop_signal');
        if (spec && isScalar(stopSignal)) spec = { ...spec, stopSignal: { value: String(stopSignal.value), at: { file, line: lineOf(stopSignal) } } };
        if (spec && isScalar(init) && init.value === true) spec = { ...spec, engineInit: true };
        const grace = get(svc, 'stop_grace_period');
        const o: Orchestration = { kind: 'compose', name };
        if (isScalar(init) && typeof init.value === 'boolean') o.init = { value: init.value, line: pairLine(svc, 'init') };
        if (isScalar(grace) && seconds(grace.value) !== undefined) o.grace = { seconds: seconds(grace.value)!, line: pairLine(svc, 'stop_grace_period'), key: 'stop_grace_period' };
        targets.push({ spec, orchestration: o });
      }
      continue;
    }
    // Kubernetes: a Pod, a workload's pod template, a CronJob's job template
    const kind = String((get(root, 'kind') as { value?: unknown } | undefined)?.value ?? '');
    const meta = get(root, 'metadata');
    const objName = String((get(meta, 'name') as { value?: unknown } | undefined)?.value ?? kind);
    const podSpec = kind === 'Pod' ? get(root, 'spec')
      : kind === 'CronJob' ? get(get(get(get(get(root, 'spec'), 'jobTemplate'), 'spec'), 'template'), 'spec')
        : get(get(get(root, 'spec'), 'template'), 'spec');
    if (!isMap(podSpec)) continue;
    const o: Orchestration = { kind: 'kubernetes', name: objName };
    const g = get(podSpec, 'terminationGracePeriodSeconds');
    if (isScalar(g) && typeof g.value === 'number') o.grace = { seconds: g.value, line: pairLine(podSpec, 'terminationGracePeriodSeconds'), key: 'terminationGracePeriodSeconds' };
    const sp = get(podSpec, 'shareProcessNamespace');
    if (isScalar(sp) && sp.value === true) o.shareProcessNamespace = { line: pairLine(podSpec, 'shareProcessNamespace') };
    const containers = get(podSpec, 'containers');
    let first = true;
    for (const c0 of isSeq(containers) ? containers.items : []) {
      const c = deref(c0 as N);
      const cname = String((get(c as N, 'name') as { value?: unknown } | undefined)?.value ?? '?');
      const ep = form(get(c as N, 'command'), false);
      const args = form(get(c as N, 'args'), false);
      // args alone go to the image's ENTRYPOINT, which lint does not know here: nothing to say about PID 1
      const spec: RunSpec | undefined = ep ? { what: `${kind} ${objName} container ${cname}`, entrypoint: ep, cmd: args, shellArgv: ['/bin/sh', '-c'], at: { file, line: lineOf(c as N) }, script: async () => undefined, sh: shOf(get(c as N, 'image')) } : undefined;
      targets.push({ spec, orchestration: first ? o : { kind: 'kubernetes', name: `${objName}/${cname}`, shareProcessNamespace: o.shareProcessNamespace } });
      first = false;
    }
  }
  const { ignores, fileIgnores } = parsePragmas(text);
  return { targets, ignores, fileIgnores, errors };
}
