import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';

/** Advice: an init is installed or copied in but is not PID 1 (nothing when the runtime handles TERM and reaps). */
const r: LintRule = {
  meta: rule('ZL107'),
  check({ facts: f }) {
    const inst = f?.spec.initInstalled;
    if (!f || !inst || f.init) return [];
    if (f.app[0] && /^(tini|dumb-init|catatonit|za-shim)$/.test(f.app[0].slice(f.app[0].lastIndexOf('/') + 1))) return [];
    if (f.runtime?.term === 'yes' && !f.shellString && !f.script) return []; // a JVM or a server handles TERM
    return [{ id: 'ZL107', severity: 'info', location: { file: inst.at.file, line: inst.at.line },
      message: `${inst.name} is installed (line ${inst.at.line}) but PID 1 is ${f.argv[0]}: it does nothing until it runs as PID 1`,
      evidence: [`runs ${JSON.stringify(f.argv)} (line ${f.at.line})`],
      fix: `ENTRYPOINT ["${inst.name === 'dumb-init' ? '/usr/bin/dumb-init' : inst.name === 'za-shim' ? '/za-shim' : inst.name}", "--", ...]` }];
  },
};
export default r;
