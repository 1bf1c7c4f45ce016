import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';
import { initLater, supervises } from './common.js';

/**
 * Background jobs (&) left running with no init: they never get the stop signal, and the app they end up
 * under must reap them. Not flagged: jobs the script kills or waits for before its final exec (the
 * temporary-server pattern of database images), and a script that traps TERM, forwards it and waits.
 */
const r: LintRule = {
  meta: rule('ZL104'),
  check({ facts: f }) {
    if (!f || f.init || initLater(f)) return [];
    const src = f.script ? { facts: f.script.facts, file: f.script.source.path, lineOf: (l: number) => l } : f.shellString ? { facts: f.shellString.facts, file: f.at.file, lineOf: () => f.at.line } : undefined;
    if (!src) return [];
    const left = src.facts.backgrounds.filter((b) => !b.stopped);
    if (left.length === 0 || supervises(src.facts)) return [];
    const b = left[0];
    const execs = src.facts.finals.every((x) => x.exec);
    return [{ id: 'ZL104', severity: 'error', location: { file: src.file, line: src.lineOf(b.line) },
      message: `\`${b.text}\` runs in the background with no init: ${execs ? 'after the final exec the app becomes its parent and must reap it, and it never gets the stop signal' : 'the shell stays PID 1 and it never gets the stop signal'}`,
      evidence: [`${left.length} background job(s) never stopped: ${left.map((x) => `line ${src.lineOf(x.line)} \`${x.text}\``).join(', ')}`],
      fix: 'put an init in front (ENTRYPOINT ["tini", "--", ...], docker run --init, zombie-audit fix) or run the job in its own container' }];
  },
};
export default r;
