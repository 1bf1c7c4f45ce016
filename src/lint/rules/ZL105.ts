import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';

const r: LintRule = {
  meta: rule('ZL105'),
  check({ facts: f }) {
    if (!f || f.init || f.app.length === 0) return [];
    const sh = f.shellString?.facts;
    const what = f.script ? `the script ${f.script.source.path}, then what it execs`
      : sh ? (sh.finals.length > 0 && sh.finals.every((x) => x.exec) && (sh.simple || sh.statements === 1) ? `\`${sh.finals[0].text.replace(/^exec\s+/, '')}\` (exec'd by the shell)` : 'a shell')
        : f.app[0];
    return [{ id: 'ZL105', severity: 'info', location: { file: f.at.file, line: f.at.line },
      message: `no init: PID 1 is ${what}; it receives every orphan and only the signals it handles`,
      evidence: [`runs ${JSON.stringify(f.argv)}`],
      fix: 'if the app does not reap children and handle TERM itself: docker run --init, compose init: true, or ENTRYPOINT ["tini", "--", ...]' }];
  },
};
export default r;
