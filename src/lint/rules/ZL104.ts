import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';
import { forwardedSignals } from '../shell.js';

const r: LintRule = {
  meta: rule('ZL104'),
  check({ facts: f }) {
    if (!f || f.init) return [];
    const src = f.script ? { facts: f.script.facts, file: f.script.source.path, lineOf: (l: number) => l } : f.shellString ? { facts: f.shellString.facts, file: f.at.file, lineOf: () => f.at.line } : undefined;
    if (!src || src.facts.backgrounds.length === 0) return [];
    // trap TERM → kill the job → wait: a deliberate supervisor (ZL103 says it stays PID 1)
    if (forwardedSignals(src.facts).includes('TERM') && src.facts.waits) return [];
    const b = src.facts.backgrounds[0];
    const execs = src.facts.finals.every((x) => x.exec);
    return [{ id: 'ZL104', severity: 'error', location: { file: src.file, line: src.lineOf(b.line) },
      message: `\`${b.text}\` runs in the background with no init: ${execs ? 'after the final exec the app becomes its parent and must reap it, and it never gets the stop signal' : 'the shell stays PID 1 and it never gets the stop signal'}`,
      evidence: [`${src.facts.backgrounds.length} background job(s): ${src.facts.backgrounds.map((x) => `line ${src.lineOf(x.line)} \`${x.text}\``).join(', ')}`],
      fix: 'put an init in front (ENTRYPOINT ["tini", "--", ...], docker run --init, zombie-audit fix) or run the job in its own container' }];
  },
};
export default r;
