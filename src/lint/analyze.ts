import { analyzeScript, type ScriptFacts } from './shell.js';
import { basename, effectiveArgv, EXEC_WRAPPERS, isInit, isShell, type Located, type RunSpec, type ScriptSource } from './spec.js';

/** What PID 1 will be for a RunSpec: the facts every lint rule reads. */
export interface Pid1Facts {
  spec: RunSpec;
  argv: string[];
  at: Located;
  /** the form of the instruction that decides PID 1 */
  form: 'exec' | 'shell';
  /** an init in front: the engine's (--init, init: true) or argv[0] */
  init?: string;
  /** what runs under the init (or as PID 1): after the init's flags and exec wrappers */
  app: string[];
  /** `sh -c STRING` (shell form, or explicit) and its analysis */
  shellString?: { text: string; facts: ScriptFacts };
  /** an entrypoint script the build copies in, and its analysis */
  script?: { source: ScriptSource; facts: ScriptFacts };
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
  for (let guard = 0; guard < 4 && a.length > 0; guard++) {
    const b = basename(a[0]);
    if (b === 'exec') { a = a.slice(1); continue; }
    if (!EXEC_WRAPPERS.has(b)) break;
    let i = 1;
    if (b === 'env') while (i < a.length && (a[i].includes('=') || a[i].startsWith('-'))) i++;
    else if (b === 'gosu' || b === 'su-exec' || b === 's6-setuidgid' || b === 'setuidgid' || b === 'chroot') i = 2;
    else while (i < a.length && a[i].startsWith('-')) i++;
    a = a.slice(i);
  }
  return a;
}

export async function pid1Facts(spec: RunSpec): Promise<Pid1Facts | undefined> {
  const eff = effectiveArgv(spec);
  if (!eff || eff.argv.length === 0) return undefined;
  const decisive = spec.entrypoint && (spec.entrypoint.argv?.length || spec.entrypoint.shell) ? spec.entrypoint : spec.cmd;
  const f: Pid1Facts = { spec, argv: eff.argv, at: decisive?.at ?? eff.at, form: decisive?.shell !== undefined ? 'shell' : 'exec', app: eff.argv };
  let rest = eff.argv;
  if (spec.engineInit) f.init = 'docker-init';
  if (isInit(rest[0])) {
    f.init = basename(rest[0]);
    rest = skipInit(rest);
  }
  rest = skipWrappers(rest);
  f.app = rest;
  if (rest.length >= 3 && isShell(rest[0])) {
    const c = rest.indexOf('-c');
    if (c > 0 && c + 1 < rest.length) f.shellString = { text: rest[c + 1], facts: await analyzeScript(rest[c + 1]) };
  } else if (rest.length > 0) {
    const src = await spec.script(rest[0]);
    if (src) f.script = { source: src, facts: await analyzeScript(src.text) };
  }
  return f;
}
