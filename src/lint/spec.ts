/**
 * What a container will run, from any source (a Dockerfile's final stage, an image's config, a
 * compose service, a Kubernetes container): the rules read this, so they are written once.
 */
import { INIT_NAMES, type ShellKind } from './knowledge.js';

export interface Located { file: string; line: number }

export interface Form {
  /** exec form: the argv */
  argv?: string[];
  /** shell form: the string the SHELL runs */
  shell?: string;
  at: Located;
}

export interface ScriptSource { path: string; text: string; at: Located }

export interface RunSpec {
  /** what this spec is, for messages: "Dockerfile", "image nginx:1", "compose service api" */
  what: string;
  entrypoint?: Form;
  cmd?: Form;
  /** SHELL, default /bin/sh -c */
  shellArgv: string[];
  stopSignal?: { value: string; at: Located };
  /** an init found installed or copied into the image (not necessarily used) */
  initInstalled?: { name: string; at: Located };
  /** the engine's init is on (compose init: true, docker run --init) */
  engineInit?: boolean;
  /** resolve the script a path runs, if it is one the build copies in (or the image holds) */
  script(path: string): Promise<ScriptSource | undefined>;
  /** where a finding about the whole spec goes */
  at: Located;
  /** which program /bin/sh is, and why lint thinks so (base image, SHELL, the image itself) */
  sh?: { kind: ShellKind; why: string };
  /** the base image is a Windows image: Linux PID 1 rules do not apply */
  windows?: string;
  /** the ENTRYPOINT is not known (a compose/Kubernetes command for an image lint cannot read) */
  entrypointUnknown?: boolean;
}

/** The argv PID 1 runs, as docker composes ENTRYPOINT and CMD. */
export function effectiveArgv(spec: RunSpec): { argv: string[]; at: Located } | undefined {
  const ep = spec.entrypoint;
  const cmd = spec.cmd;
  const asArgv = (f: Form): string[] => f.argv ?? [...spec.shellArgv, f.shell ?? ''];
  if (ep && (ep.argv?.length || ep.shell)) {
    if (ep.shell !== undefined) return { argv: asArgv(ep), at: ep.at }; // shell-form ENTRYPOINT ignores CMD
    return { argv: [...asArgv(ep), ...(cmd ? asArgv(cmd) : [])], at: ep.at };
  }
  if (cmd && (cmd.argv?.length || cmd.shell)) return { argv: asArgv(cmd), at: cmd.at };
  return undefined;
}

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
export { INIT_NAMES };
export const SHELL_NAMES = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);
/** commands that exec their argument after dropping privileges: transparent for PID 1 */
export const EXEC_WRAPPERS = new Set(['gosu', 'su-exec', 'setpriv', 'chroot', 'runuser', 'env', 'nice', 'numactl', 'setuidgid', 's6-setuidgid', 'chpst', 'tini-exec', 'sudo', 'su-exec', 'dockerize', 'wait-for-it', 'wait-for-it.sh', 'stdbuf', 'nohup', 'ionice', 'taskset', 'authbind', 'capsh', 'unshare', 'setsid', 'with-contenv']);

export function isInit(argv0: string): boolean {
  const b = basename(argv0);
  return INIT_NAMES.has(b) && !(b === 'init' && argv0 !== '/init');
}

export function isShell(argv0: string): boolean {
  return SHELL_NAMES.has(basename(argv0));
}

export { basename };
