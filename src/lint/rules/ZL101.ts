import { rule } from '../../findings/catalog.js';
import type { Finding } from '../../findings/model.js';
import type { Pid1Facts } from '../analyze.js';
import type { LintRule } from '../rule.js';
import { quote, SHELL_RULES, shellName, supervises } from './common.js';

/**
 * `sh -c STRING` (shell form, or explicit) whose final command this image's /bin/sh does not exec: the shell
 * stays PID 1 and drops TERM. ZL101 for a lone command (dash only), ZL102 for several. Certain (error) when
 * the shell is known; a warning naming the missing fact when /bin/sh is unknown; under an init, advice (info).
 */
export function shellStays(f: Pid1Facts | undefined, id: 'ZL101' | 'ZL102'): Finding[] {
  const s = f?.shellString;
  if (!f || !s || s.stays === false || s.shell === 'none') return [];
  if (s.facts.simple !== (id === 'ZL101')) return [];
  if (supervises(s.facts)) return [];
  const last = s.facts.finals.find((x) => !x.exec)?.text ?? s.text;
  const who = `${s.interp} (${s.shell === 'unknown' ? 'unknown' : shellName(s.shell)}; ${f.sh.why})`;
  if (s.stays === 'unknown' && !f.init) {
    return [{ id, severity: 'warning', location: { file: f.at.file, line: f.at.line },
      message: `${quote(s.text)} runs under ${s.interp} -c, and whether the shell execs \`${last}\` depends on which /bin/sh the image has: ${s.staysOn.join(' and ')} keep${s.staysOn.length === 1 ? 's' : ''} the shell as PID 1 (TERM dropped)`,
      evidence: [`missing fact: the image's /bin/sh (${f.sh.why})`, SHELL_RULES],
      fix: `use the exec form (${JSON.stringify(last.replace(/^exec\s+/, '').split(/\s+/))}) or write \`exec ${last.replace(/^exec\s+/, '')}\`` }];
  }
  // under an init nothing is dropped or leaked (the init forwards and reaps): advice that the app gets no TERM
  return [{ id, severity: f.init ? 'info' : 'error', location: { file: f.at.file, line: f.at.line },
    message: f.init
      ? `under ${f.init}, ${who} stays between the init and \`${last}\`: the stop signal kills the shell, and the app is SIGKILLed without a signal of its own (tini -g, or exec, would pass it on)`
      : `${who} does not exec \`${last}\` in ${quote(s.text)}: the shell stays PID 1, drops docker stop's TERM, and the app never gets it (exit 137 after the grace period)`,
    evidence: [`runs ${JSON.stringify(f.argv)}`, SHELL_RULES],
    fix: s.facts.simple ? `use the exec form: ${JSON.stringify(last.split(/\s+/))}, or prefix the command with exec` : 'put `exec` before the last command (a && exec b), or move the commands into a script that ends with `exec app`' }];
}

const r: LintRule = { meta: rule('ZL101'), check: ({ facts }) => shellStays(facts, 'ZL101') };
export default r;
