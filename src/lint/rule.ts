import type { Finding } from '../findings/model.js';
import type { RuleMeta } from '../findings/catalog.js';
import type { Pid1Facts } from './analyze.js';

/** Settings of a compose service or a Kubernetes pod that bear on PID 1. */
export interface Orchestration {
  kind: 'compose' | 'kubernetes';
  name: string;
  init?: { value: boolean; line: number };
  grace?: { seconds: number; line: number; key: string };
  shareProcessNamespace?: { line: number };
}

export interface LintTarget {
  facts?: Pid1Facts;
  orchestration?: Orchestration;
  file: string;
}

/** One lint rule: its metadata (the catalog's) and a check. One rule per file in rules/. */
export interface LintRule {
  meta: RuleMeta;
  check(t: LintTarget): Finding[];
}
