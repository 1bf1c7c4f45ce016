import type { Pid1Facts } from '../analyze.js';
import { SHELL_FACTS, type KnownShell } from '../knowledge.js';
import { forwardedSignals, type ScriptFacts } from '../shell.js';
import { basename, isInit } from '../spec.js';

/** Helpers the lint rules share: which shell, what it does, and whether a script supervises properly. */
export function shellName(kind: string): string {
  return kind in SHELL_FACTS ? SHELL_FACTS[kind as KnownShell].version : kind;
}

export const SHELL_RULES = 'measured: dash 0.5.12 never execs implicitly; bash 5.2 execs the last simple command of a lone command or an && / ; list (not with a redirect, a trap, if/case/{ }); busybox ash also inside if/case/{ } and with redirects (not with a trap); none for pipelines or & (docs/findings/ZL101.md)';

/** a script that traps the stop signal, forwards it and waits: a deliberate supervisor */
export function supervises(facts: ScriptFacts, stop = 'TERM'): boolean {
  return forwardedSignals(facts).includes(stop) && facts.waits;
}

export function stopSignalOf(f: Pid1Facts): string {
  return (f.spec.stopSignal?.value ?? 'SIGTERM').toUpperCase().replace(/^SIG/, '');
}

/** an init or supervisor takes over later (the script ends in `exec tini -- app`, `exec supervisord`) */
export function initLater(f: Pid1Facts): boolean {
  return f.app.length > 0 && isInit(f.app[0]);
}

export function quote(s: string, max = 70): string {
  return JSON.stringify(s.length > max ? s.slice(0, max - 1) + '…' : s);
}

export { basename };
