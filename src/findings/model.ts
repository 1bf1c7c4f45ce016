/** The one finding model shared by audit, probe and lint, and read by every renderer. */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

export interface Location {
  /** a container name or id (audit, probe) */
  container?: string;
  /** a file path relative to the working directory (lint) */
  file?: string;
  /** 1-based */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** a process id inside the container */
  pid?: number;
}

export interface Finding {
  /** a stable rule id, e.g. ZA101; each has a doc page docs/findings/<id>.md */
  id: string;
  severity: Severity;
  /** one line a person reads */
  message: string;
  /** the facts the message rests on, each one line */
  evidence: string[];
  /** how to fix it, one or two lines */
  fix: string;
  location?: Location;
}

export function atOrAbove(findings: readonly Finding[], threshold: Severity | 'none'): Finding[] {
  if (threshold === 'none') return [];
  return findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]);
}

export function isSeverity(s: string): s is Severity {
  return s === 'error' || s === 'warning' || s === 'info';
}
