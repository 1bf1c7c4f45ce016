/**
 * The shell model (knowledge.ts, shell.ts implicitExec) against real shells: each `sh -c` string below is run
 * as PID 1 on the dash, bash and busybox bases (scripts/lint-proof-bases.sh), and /proc/1/comm tells whether
 * the shell exec'd the final command (`app`) or stayed (`sh`). lint's prediction must match every row.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KNOWN_SHELLS } from '../../src/lint/knowledge.js';
import { analyzeScript } from '../../src/lint/shell.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUN = `lint-shells-${randomBytes(3).toString('hex')}`;
const docker = async (args: string[]): Promise<string> => (await run('docker', args, { timeout: 120_000 })).stdout.trim();

const STRINGS = [
  '/app --term', 'cd /tmp && /app --term', 'true; /app --term', 'false || /app --term', 'X=1 /app --term',
  '/app --term >/dev/null', 'true && /app --term 2>&1', 'if true; then /app --term; fi', '{ /app --term; }',
  'case a in a) /app --term;; esac', 'trap "echo x" TERM; /app --term', '/app --term | cat', '/app --term & wait',
  'f() { /app --term; }; f', '/app --term; echo done', 'exec /app --term', 'set -e; /app --term',
];

before(() => {
  const r = spawnSync('bash', [join(ROOT, 'scripts/lint-proof-bases.sh')], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `lint-proof-bases.sh failed: ${r.stderr}`);
});

after(async () => {
  const ids = (await docker(['ps', '-aq', '--filter', `label=zombie-audit.test=${RUN}`])).split('\n').filter(Boolean);
  if (ids.length) await docker(['rm', '-f', ...ids]);
});

test('sh -c: lint\'s exec model agrees with dash, bash and busybox as PID 1', async () => {
  const cases = STRINGS.flatMap((s) => KNOWN_SHELLS.map((shell) => ({ s, shell })));
  const failures: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 3 }, async () => {
    while (next < cases.length) {
      const { s, shell } = cases[next++];
      const facts = await analyzeScript(s);
      const execs = (facts.finals.length > 0 && facts.finals.every((f) => f.exec)) || facts.implicitExec[shell];
      const id = await docker(['run', '-d', '--network', 'none', '--label', `zombie-audit.test=${RUN}`, `zombie-audit-lint/${shell}`, 'sh', '-c', s]);
      await new Promise((r) => setTimeout(r, 1200));
      const comm = await docker(['exec', id, 'cat', '/proc/1/comm']);
      await docker(['rm', '-f', id]);
      if (comm !== (execs ? 'app' : 'sh')) failures.push(`${shell}: sh -c ${JSON.stringify(s)}: lint says ${execs ? 'exec' : 'stays'}, PID 1 is ${comm}`);
    }
  }));
  assert.deepEqual(failures, []);
});
