import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';

const r: LintRule = {
  meta: rule('ZL102'),
  check({ facts: f }) {
    const s = f?.shellString;
    if (!f || !s) return [];
    const stays = !s.facts.simple && s.facts.finals.some((x) => !x.exec);
    if (!stays) return [];
    const last = s.facts.finals.find((x) => !x.exec)!;
    return [{ id: 'ZL102', severity: f.init ? 'warning' : 'error', location: { file: f.at.file, line: f.at.line },
      message: `${f.init ? `under ${f.init}, ` : ''}the shell stays ${f.init ? 'between the init and the app' : 'PID 1'}: ${JSON.stringify(s.text.length > 70 ? s.text.slice(0, 69) + '…' : s.text)} runs several commands and does not exec the last (${last.text})`,
      evidence: ['a shell as PID 1 catches only INT and CHLD: docker stop\'s TERM is dropped and the app never sees it (exit 137 after the grace period)'],
      fix: 'move the commands into a script that ends with `exec app`, or put `exec` before the last command, or use an init (tini -- sh -c ...)' }];
  },
};
export default r;
