import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';

/** Shell form (or sh -c through the default shell) on an image with no /bin/sh: the container cannot start. */
const r: LintRule = {
  meta: rule('ZL110'),
  check({ facts: f }) {
    if (!f || f.sh.kind !== 'none' || f.form !== 'shell' || f.spec.windows) return [];
    return [{ id: 'ZL110', severity: 'error', location: { file: f.at.file, line: f.at.line },
      message: `shell form needs ${f.spec.shellArgv[0]}, and ${f.sh.why} has no shell: the container fails to start`,
      evidence: [`runs ${JSON.stringify(f.argv)}`],
      fix: 'use the exec form: ["/app", "arg"]' }];
  },
};
export default r;
