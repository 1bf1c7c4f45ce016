import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';

const r: LintRule = {
  meta: rule('ZL203'),
  check({ orchestration: o, file, facts }) {
    if (!o?.shareProcessNamespace || !facts?.init || !/^tini/.test(facts.init)) return [];
    if (facts.argv.includes('-s')) return [];
    return [{ id: 'ZL203', severity: 'warning', location: { file, line: o.shareProcessNamespace.line },
      message: `pod ${o.name}: shareProcessNamespace makes the pause process PID 1; tini is not PID 1 and, without -s, does not reap orphans`,
      evidence: [`command ${JSON.stringify(facts.argv)}`], fix: 'tini -s -- ... (subreaper), or drop shareProcessNamespace' }];
  },
};
export default r;
