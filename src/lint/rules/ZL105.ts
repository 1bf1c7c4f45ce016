import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';

/**
 * Advice when the app itself is PID 1 with no init: what to check depends on the runtime (knowledge.ts).
 * Servers that handle TERM and reap orphans (nginx, postgres ...) get nothing.
 */
const r: LintRule = {
  meta: rule('ZL105'),
  check({ facts: f }) {
    if (!f || f.init || f.app.length === 0 || f.wrapper) return [];
    if (f.shellString && f.shellString.stays !== false) return [];
    if (f.script && f.script.facts.finals.some((x) => !x.exec)) return [];
    const rt = f.runtime;
    if (rt && rt.term === 'yes' && rt.reaps === 'yes') return [];
    const app = f.python ? `${f.python.source.path} (Python)` : f.app[0];
    const check = !rt ? 'check that it handles SIGTERM and reaps any child processes it starts'
      : rt.term === 'yes' ? `${rt.what} handles TERM by itself; it does not reap orphans: if it starts child processes, add an init`
        : `its TERM handling depends on the app's code: check for a SIGTERM handler (${/node|bun|deno|tsx/.test(rt.what) ? "process.on('SIGTERM')" : /python|flask|celery/.test(rt.what) ? 'signal.signal(SIGTERM, ...)' : 'a TERM handler'}) and that child processes are reaped`;
    return [{ id: 'ZL105', severity: 'info', location: { file: f.at.file, line: f.at.line },
      message: `no init: PID 1 is ${app}; it receives every orphan and only the signals it handles: ${check}`,
      evidence: [`runs ${JSON.stringify(f.argv)}`, ...(rt ? [rt.source] : [])],
      fix: 'if the app does not reap children and handle TERM itself: docker run --init, compose init: true, or ENTRYPOINT ["tini", "--", ...]' }];
  },
};
export default r;
