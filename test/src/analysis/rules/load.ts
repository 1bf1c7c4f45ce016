import { readFileSync } from 'node:fs';
import { analyze, type ContainerInfo } from '../../../../src/analysis/audit.js';
import type { AuditRule, RuleContext } from '../../../../src/analysis/rules/index.js';
import { parseSnapshot, type Snapshot } from '../../../../src/proc/snapshot.js';
import { runtimeOf } from '../../../../src/runtimes/index.js';

const FIX = new URL('../../../../../test/fixtures/proc/', import.meta.url);

/** A real capture (test/fixtures/proc/NAME), parsed. */
export function snap(name: string): Snapshot {
  return parseSnapshot(readFileSync(new URL(name, FIX), 'latin1'));
}

/** The analysed container a rule sees, from a real capture. */
export function ctxOf(s: Snapshot | string, info: Partial<ContainerInfo> = {}): RuleContext {
  const sn = typeof s === 'string' ? snap(s) : s;
  const report = analyze(sn, { id: 'c0ffee', name: 'c', image: 'img', ...info }, 'exec');
  const pid1 = sn.procs.get(1)!;
  return { report, pid1, snap: sn, runtime: runtimeOf(pid1) };
}

export function fires(rule: AuditRule, s: Snapshot | string, info: Partial<ContainerInfo> = {}) {
  return rule.check(ctxOf(s, info));
}
