import { rule } from '../../findings/catalog.js';
import { forwardedSignals } from '../shell.js';
import type { LintRule } from '../rule.js';

const r: LintRule = {
  meta: rule('ZL103'),
  check({ facts: f }) {
    const s = f?.script;
    if (!f || !s) return [];
    const noExec = s.facts.finals.filter((x) => !x.exec);
    if (noExec.length === 0) return [];
    const fwd = forwardedSignals(s.facts);
    const forwards = fwd.includes('TERM') && s.facts.waits;
    const sev = forwards ? 'info' : f.init ? 'warning' : 'error';
    return noExec.slice(0, 1).map((x) => ({ id: 'ZL103', severity: sev, location: { file: s.source.path, line: x.line },
      message: `${s.source.path} does not exec its final command (\`${x.text}\`): the script stays ${f.init ? `between ${f.init} and the app` : 'PID 1'}` +
        (forwards ? ', though it traps TERM, forwards it and waits' : ''),
      evidence: [`${f.spec.what}: ENTRYPOINT/CMD runs ${s.source.path} (line ${f.at.line})`, ...(forwards ? [`trap forwards ${fwd.join(', ')}`] : ['no trap forwards TERM: docker stop\'s TERM is dropped (exit 137 after the grace period)'])],
      fix: `end the script with \`exec ${x.text.replace(/^exec\s+/, '')}\` (or exec "$@")` } as const));
  },
};
export default r;
