import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';

const r: LintRule = {
  meta: rule('ZL201'),
  check({ orchestration: o, file, facts }) {
    if (!o?.init || o.init.value !== false) return [];
    if (facts?.init && facts.init !== 'docker-init') return [];
    return [{ id: 'ZL201', severity: 'warning', location: { file, line: o.init.line },
      message: `service ${o.name}: init: false turns off the engine's init, and nothing else is PID 1's init`,
      evidence: ['init: false'], fix: 'init: true, or an init in the image\'s ENTRYPOINT' }];
  },
};
export default r;
