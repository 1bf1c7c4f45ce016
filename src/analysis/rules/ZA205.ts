import type { AuditRule } from './rule.js';
import { where } from './rule.js';

/** PID 1 drops INT, HUP or QUIT. */
export const ZA205: AuditRule = {
  meta: { id: 'ZA205', severity: 'info', title: 'PID 1 drops some signals (INT, HUP, QUIT): Ctrl-C or reload requests do nothing',
    doc: 'docs/findings/ZA205.md', fix: 'handle them in the app, or put an init in front (it forwards them)' },
  check({ report: r }) {
    const dropped = (['INT', 'HUP', 'QUIT'] as const).filter((s) => r.pid1.signals[s] === 'dropped');
    if (dropped.length === 0 || r.pid1.kind === 'init') return [];
    return [{ id: 'ZA205', severity: 'info', location: where(r, 1),
      message: `PID 1 drops SIG${dropped.join(', SIG')}: ${dropped.includes('INT') ? 'Ctrl-C in `docker run -it` does nothing' : 'these signals do nothing'}`,
      evidence: dropped.map((s) => `SIG${s}: ${r.pid1.signalReasons[s]}`),
      fix: 'handle them in the app, or put an init in front (it forwards them)' }];
  },
};
