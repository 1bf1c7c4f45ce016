import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';
import { stopSignalOf } from './common.js';

/** A script that stays PID 1 and traps signals, but not the stop signal: that one is dropped. */
const r: LintRule = {
  meta: rule('ZL106'),
  check({ facts: f }) {
    const s = f?.script ?? (f?.shellString && f.shellString.stays === true ? { facts: f.shellString.facts, source: { path: f.at.file } } : undefined);
    if (!f || !s || f.init || s.facts.traps.length === 0 || s.facts.finals.every((x) => x.exec)) return [];
    const stop = stopSignalOf(f);
    const trapped = s.facts.traps.flatMap((t) => t.signals);
    if (trapped.includes(stop) || trapped.includes(String({ TERM: 15, INT: 2, QUIT: 3, HUP: 1 }[stop] ?? '')) || trapped.includes('EXIT') && stop === 'EXIT') return [];
    const at = f.spec.stopSignal?.at ?? { file: s.source.path, line: s.facts.traps[0].line };
    return [{ id: 'ZL106', severity: 'warning', location: { file: at.file, line: at.line },
      message: `the stop signal SIG${stop} is not trapped by ${s.source.path} (it traps ${trapped.join(', ')}), which stays PID 1: docker stop's signal is dropped`,
      evidence: s.facts.traps.map((t) => `line ${t.line}: trap '${t.action}' ${t.signals.join(' ')}`),
      fix: `trap ${stop} too (and forward it), or set STOPSIGNAL to a trapped signal` }];
  },
};
export default r;
