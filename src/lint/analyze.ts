import { KNOWN_SHELLS, runtimeOf, shellOfInterpreter, WRAPPERS_THAT_STAY, type KnownShell, type RuntimeFacts, type ShellKind } from './knowledge.js';
import { analyzePython, analyzeScript, scriptLanguage, type ScriptFacts } from './shell.js';
import { basename, effectiveArgv, EXEC_WRAPPERS, isInit, isShell, type Located, type RunSpec, type ScriptSource } from './spec.js';

/**
 * What PID 1 will be for a RunSpec, following what really runs: an init, exec wrappers (gosu, su-exec,
 * env), `sh -c STRING` (exec'd or not by the image's /bin/sh, as measured), `sh script.sh`, scripts the
 * build copies in (by their shebang: shell scripts are parsed, Python ones checked for os.exec*), package
 * manager wrappers that stay in front (npm start), and the runtime at the end (knowledge.ts).
 */
export interface Pid1Facts {
  spec: RunSpec;
  argv: string[];
  at: Located;
  /** the form of the instruction that decides PID 1 */
  form: 'exec' | 'shell';
  /** the image's /bin/sh and why lint thinks so */
  sh: { kind: ShellKind; why: string };
  /** an init in front: the engine's (--init, init: true) or argv[0] */
  init?: string;
  /** the first `sh -c STRING` on the way and whether that shell stays (true), execs the final command (false) or it depends on an unknown /bin/sh */
  shellString?: { text: string; facts: ScriptFacts; shell: ShellKind; interp: string; stays: boolean | 'unknown'; staysOn: KnownShell[]; explicit: boolean };
  /** the first shell script on the way (run directly or by `sh script.sh`) */
  script?: { source: ScriptSource; facts: ScriptFacts; interp?: string };
  /** `sh script.sh` whose script lint cannot find in the build context */
  missingScript?: { interp: string; path: string };
  /** a Python entrypoint script */
  python?: { source: ScriptSource; execs: boolean };
  /** a wrapper that stays in front of what it starts (npm start, yarn start, conda run) */
  wrapper?: { name: string; argv: string[] };
  /** what finally runs (the last argv lint could follow) */
  app: string[];
  runtime?: RuntimeFacts;
  /** what lint predicts, for the container proofs: PID 1's command name, and whether docker stop's TERM is dropped */
  pid1: { comm?: string; dropsTerm: boolean | 'unknown' };
}

/** init flags that take a value: tini -p SIG / -e CODE, dumb-init -r FROM:TO, za-shim -k/-t/-m/-r */
const INIT_FLAGS_WITH_VALUE = new Set(['-p', '-e', '-r', '-k', '-t', '-m']);

/** The command an init runs: after `--`, or after its flags. */
function skipInit(argv: string[]): string[] {
  const dd = argv.indexOf('--');
  if (dd >= 0) return argv.slice(dd + 1);
  let i = 1;
  while (i < argv.length && argv[i].startsWith('-')) i += INIT_FLAGS_WITH_VALUE.has(argv[i]) ? 2 : 1;
  return argv.slice(i);
}

function skipWrappers(argv: string[]): string[] {
  let a = argv;
  for (let guard = 0; guard < 6 && a.length > 0; guard++) {
    const b = basename(a[0]);
    if (b === 'exec') { a = a.slice(1); continue; }
    if (!EXEC_WRAPPERS.has(b)) break;
    const dd = a.indexOf('--');
    if ((b === 'dockerize' || b.startsWith('wait-for-it')) && dd > 0) { a = a.slice(dd + 1); continue; }
    let i = 1;
    if (b === 'env') while (i < a.length && (a[i].includes('=') || a[i].startsWith('-'))) i++;
    else if (b === 'gosu' || b === 'su-exec' || b === 's6-setuidgid' || b === 'setuidgid' || b === 'chroot') i = 2;
    else if (b === 'sudo' || b === 'runuser') { while (i < a.length && a[i].startsWith('-')) i += /^-[ugCDhprt]$/.test(a[i]) ? 2 : 1; if (a[i] === '--') i++; }
    else while (i < a.length && a[i].startsWith('-')) i++;
    a = a.slice(i);
  }
  return a;
}

const comm = (argv0: string): string => basename(argv0).slice(0, 15);

/** `-c`, `-ec`, `-xc`...: the index of the string sh runs, if any */
function dashC(argv: string[]): number {
  for (let i = 1; i < argv.length; i++) {
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(argv[i]) && !argv[i].startsWith('--')) return i + 1 < argv.length ? i + 1 : -1;
    if (!argv[i].startsWith('-') && argv[i] !== '+o' && argv[i - 1] !== '-o' && argv[i - 1] !== '+o') return -1;
  }
  return -1;
}

/** a shell's script argument: `sh [-eux] [-o opt] script.sh args...` */
function scriptArg(argv: string[]): number {
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '-o' || argv[i] === '+o') { i++; continue; }
    if (argv[i].startsWith('-') || argv[i].startsWith('+')) continue;
    return i;
  }
  return -1;
}

function substituteArgs(argv: string[], args: string[]): string[] {
  return argv.flatMap((w) => (w === '$@' || w === '${@}' || w === '$*' ? args : [w]));
}

export async function pid1Facts(spec: RunSpec): Promise<Pid1Facts | undefined> {
  const eff = effectiveArgv(spec);
  if (!eff || eff.argv.length === 0) return undefined;
  const decisive = spec.entrypoint && (spec.entrypoint.argv?.length || spec.entrypoint.shell) ? spec.entrypoint : spec.cmd;
  const sh = spec.sh ?? { kind: 'unknown' as ShellKind, why: 'the base image is unknown' };
  const f: Pid1Facts = { spec, argv: eff.argv, at: decisive?.at ?? eff.at, form: decisive?.shell !== undefined ? 'shell' : 'exec', app: eff.argv, sh, pid1: { dropsTerm: 'unknown' } };
  let rest = eff.argv;
  // a shell or script that stays PID 1 drops the stop signal unless it traps it
  const stop = (spec.stopSignal?.value ?? 'SIGTERM').toUpperCase().replace(/^SIG/, '');
  const traps = (facts: ScriptFacts) => facts.traps.some((t) => t.signals.includes(stop) || t.signals.includes(String({ TERM: 15, INT: 2, QUIT: 3, HUP: 1 }[stop] ?? '')));
  if (spec.engineInit) f.init = 'docker-init';
  if (isInit(rest[0])) {
    f.init = basename(rest[0]);
    rest = skipInit(rest);
  }
  let pid1Comm: string | undefined = f.init ? (f.init === 'docker-init' ? 'docker-init' : comm(eff.argv[0])) : undefined;
  let drops: boolean | 'unknown' | undefined = f.init ? false : undefined;
  const setPid1 = (c: string, d: boolean | 'unknown') => { if (pid1Comm === undefined) { pid1Comm = c; drops = d; } };
  for (let depth = 0; depth < 8; depth++) {
    rest = skipWrappers(rest);
    if (rest.length === 0) break;
    const a0 = basename(rest[0]);
    f.app = rest;
    if (isShell(rest[0])) {
      const kind = shellOfInterpreter(rest[0], sh.kind);
      const ci = dashC(rest);
      if (ci > 0) {
        const text = rest[ci];
        const facts = await analyzeScript(text);
        const explicit = facts.finals.length > 0 && facts.finals.every((x) => x.exec);
        const staysOn = explicit ? [] : KNOWN_SHELLS.filter((k) => !facts.implicitExec[k]);
        const stays: boolean | 'unknown' = explicit ? false : kind === 'dash' || kind === 'bash' || kind === 'busybox' ? staysOn.includes(kind) : staysOn.length === 3 ? true : staysOn.length === 0 ? false : 'unknown';
        f.shellString ??= { text, facts, shell: kind, interp: rest[0], stays, staysOn, explicit };
        if (stays !== false) setPid1(comm(rest[0]), stays === true ? !traps(facts) : 'unknown');
        if (facts.finals.length !== 1 || facts.finals[0].argv.length === 0) break;
        rest = substituteArgs(facts.finals[0].argv, rest.slice(ci + 2));
        if (/^\$/.test(rest[0] ?? '')) break;
        continue;
      }
      const si = scriptArg(rest);
      if (si < 0) { setPid1(comm(rest[0]), true); break; }
      // `sh script.sh`: the shell runs the file and is never replaced by its last command (measured)
      const src = await spec.script(rest[si]);
      if (!src) { f.missingScript ??= { interp: rest[0], path: rest[si] }; setPid1(comm(rest[0]), 'unknown'); break; }
      const facts = await analyzeScript(src.text);
      f.script ??= { source: src, facts, interp: rest[0] };
      const allExec = facts.finals.length > 0 && facts.finals.every((x) => x.exec);
      if (!allExec) setPid1(comm(rest[0]), !traps(facts));
      if (facts.finals.length !== 1 || !facts.finals[0].exec) break;
      rest = substituteArgs(facts.finals[0].argv, rest.slice(si + 1));
      continue;
    }
    const stay = WRAPPERS_THAT_STAY[a0];
    if (stay && stay(rest.slice(1))) {
      f.wrapper = { name: a0, argv: rest };
      setPid1(comm(rest[0]), false);
      break;
    }
    const src = /^[\w./$-]+$/.test(rest[0]) && !rest[0].startsWith('$') ? await spec.script(rest[0]) : undefined;
    if (src) {
      const lang = scriptLanguage(src.text, src.path);
      if (lang === 'shell') {
        const facts = await analyzeScript(src.text);
        f.script ??= { source: src, facts };
        const allExec = facts.finals.length > 0 && facts.finals.every((x) => x.exec);
        if (!allExec) setPid1(comm(rest[0]), !traps(facts));
        if (facts.finals.length !== 1 || !facts.finals[0].exec) break;
        rest = substituteArgs(facts.finals[0].argv, rest.slice(1));
        continue;
      }
      if (lang === 'python') {
        const py = analyzePython(src.text);
        f.python ??= { source: src, execs: py.execs };
        if (!py.execs) { f.runtime = runtimeOf(['python3']); setPid1(comm(rest[0]), 'unknown'); }
        break;
      }
    }
    f.runtime = runtimeOf(rest);
    setPid1(comm(rest[0]), f.runtime ? (f.runtime.term === 'yes' ? false : 'unknown') : 'unknown');
    break;
  }
  f.pid1 = { comm: pid1Comm, dropsTerm: drops ?? 'unknown' };
  return f;
}
