import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';
import { forwardedSignals } from '../shell.js';
import { initLater, stopSignalOf, supervises } from './common.js';

/** A shell script (run directly or by `sh script.sh`) that does not exec its final command stays PID 1. */
const r: LintRule = {
  meta: rule('ZL103'),
  check({ facts: f }) {
    const s = f?.script;
    if (f && !s && f.missingScript && !f.init) {
      const m = f.missingScript;
      return [{ id: 'ZL103', severity: 'warning', location: { file: f.at.file, line: f.at.line },
        message: `${m.interp} runs ${m.path} and stays PID 1 unless the script ends with exec; lint could not read ${m.path} from the build context`,
        evidence: ['missing fact: the script\'s text (not found through COPY/ADD)', 'no shell execs a script file\'s last command by itself (measured)'],
        fix: `make ${m.path} end with \`exec "$@"\` (or exec the app), or run it directly with an init in front` }];
    }
    if (!f || !s) return [];
    const noExec = s.facts.finals.filter((x) => !x.exec);
    if (noExec.length === 0) return [];
    const forwards = supervises(s.facts, stopSignalOf(f)) || supervises(s.facts);
    // under an init (now or after a later exec) nothing is dropped or leaked: advice
    const sev = forwards || f.init || initLater(f) ? 'info' : 'error';
    const via = s.interp ? `${s.interp} ${s.source.path}` : s.source.path;
    return noExec.slice(0, 1).map((x) => ({ id: 'ZL103', severity: sev, location: { file: s.source.path, line: x.line },
      message: `${s.source.path} does not exec its final command (\`${x.text}\`): ${s.interp ? `${s.interp}, running the script,` : 'the script'} stays ${f.init ? `between ${f.init} and the app` : 'PID 1'}` +
        (forwards ? ', though it traps TERM, forwards it and waits' : f.init ? '' : ' and drops docker stop\'s TERM'),
      evidence: [`${f.spec.what}: ENTRYPOINT/CMD runs ${via} (line ${f.at.line}); no shell execs a script's last command by itself (measured)`, ...(forwards ? [`trap forwards ${forwardedSignals(s.facts).join(', ')}`] : ['no trap forwards TERM: docker stop\'s TERM is dropped (exit 137 after the grace period)'])],
      fix: `end the script with \`exec ${x.text.replace(/^exec\s+/, '')}\` (or exec "$@")` } as const));
  },
};
export default r;
