import { rule } from '../../findings/catalog.js';
import type { LintRule } from '../rule.js';
import { WRAPPER_SOURCE } from '../knowledge.js';

/** npm start / yarn start / pnpm start / conda run stay in front of the app they start (certain, measured). */
const r: LintRule = {
  meta: rule('ZL109'),
  check({ facts: f }) {
    if (!f?.wrapper) return [];
    const w = f.wrapper;
    const cmd = w.argv.slice(0, 3).join(' ');
    return [{ id: 'ZL109', severity: 'error', location: { file: f.at.file, line: f.at.line },
      message: `\`${cmd}\` stays ${f.init ? `under ${f.init}` : 'PID 1'} in front of the app: on TERM ${w.name} exits without waiting for it, and the app is SIGKILLed without ever getting a signal${f.init ? '' : '; orphans handed to it stay zombies'}`,
      evidence: [WRAPPER_SOURCE, `runs ${JSON.stringify(f.argv)}`],
      fix: w.name === 'conda' || w.name === 'micromamba' || w.name === 'mamba'
        ? 'run the environment\'s program directly (PATH=/opt/conda/envs/ENV/bin ...), or conda run --no-capture-output under exec in a script that execs the app'
        : `run the app directly: CMD ["node", "server.js"] (what the "${w.argv[1] === 'run' ? w.argv[2] ?? 'start' : w.argv[1] ?? 'start'}" script runs), with an init if it forks` }];
  },
};
export default r;
