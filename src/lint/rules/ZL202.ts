import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';

const r: LintRule = {
  meta: rule('ZL202'),
  check({ orchestration: o, file }) {
    if (!o?.grace || o.grace.seconds >= 1) return [];
    return [{ id: 'ZL202', severity: 'warning', location: { file, line: o.grace.line },
      message: `${o.kind === 'compose' ? 'service' : 'pod'} ${o.name}: ${o.grace.key} ${o.grace.seconds} s: the stop signal is followed by SIGKILL at once, so no graceful stop is possible`,
      evidence: [`${o.grace.key}: ${o.grace.seconds}`], fix: `give the app time: ${o.kind === 'compose' ? 'stop_grace_period: 10s' : 'terminationGracePeriodSeconds: 30'} or what it needs to drain` }];
  },
};
export default r;
