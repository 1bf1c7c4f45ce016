import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';
import { initLater } from './common.js';

/**
 * A daemon started before the final command (nginx with its default `daemon on`, `service x start`, cron):
 * it is re-parented to PID 1, never gets the stop signal (SIGKILLed with the namespace), and with no init
 * its own orphans are handed to an app that does not reap them. Not flagged when the script stops it later.
 */
const r: LintRule = {
  meta: rule('ZL108'),
  check({ facts: f }) {
    if (!f) return [];
    const src = f.script ? { facts: f.script.facts, file: f.script.source.path, lineOf: (l: number) => l } : f.shellString ? { facts: f.shellString.facts, file: f.at.file, lineOf: () => f.at.line } : undefined;
    const left = src?.facts.daemons.filter((d) => !d.stopped) ?? [];
    if (!src || left.length === 0) return [];
    const d = left[0];
    const covered = !!f.init || initLater(f);
    return [{ id: 'ZL108', severity: covered ? 'warning' : 'error', location: { file: src.file, line: src.lineOf(d.line) },
      message: `\`${d.text}\` starts a daemon before the final command: it is never sent the stop signal (SIGKILLed when PID 1 exits)${covered ? '' : ', and with no init nothing reaps what it leaves behind'}`,
      evidence: left.map((x) => `line ${src.lineOf(x.line)}: \`${x.text}\` forks into the background and returns`),
      fix: 'run the daemon in its own container, or under a supervisor that stops it (supervisord, s6), or in the foreground as the final exec (nginx -g "daemon off;")' }];
  },
};
export default r;
