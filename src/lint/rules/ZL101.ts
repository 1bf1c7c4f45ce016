import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';

/** Shell form with one simple command: works with most /bin/sh (they exec a lone command), but not all. */
const r: LintRule = {
  meta: rule('ZL101'),
  check({ facts: f }) {
    if (!f || f.form !== 'shell' || !f.shellString) return [];
    const { facts, text } = f.shellString;
    if (!facts.simple) return []; // several commands: ZL102
    if (/^\s*exec\s/.test(text) || f.init) return [];
    return [{ id: 'ZL101', severity: 'warning', location: { file: f.at.file, line: f.at.line },
      message: `shell form: runs as ${JSON.stringify([...f.spec.shellArgv, text])}; PID 1 is the shell unless it execs the command`,
      evidence: ['bash, dash and busybox sh exec a lone simple command; other shells, a wrapper or an added `;` keep the shell as PID 1'],
      fix: `use the exec form: ${JSON.stringify(text.trim().split(/\s+/))}, or prefix the command with exec` }];
  },
};
export default r;
