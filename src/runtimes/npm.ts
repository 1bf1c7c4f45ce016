import { arg0, basename, script, type Runtime } from './types.js';

const TOOLS = ['npm', 'npx', 'yarn', 'pnpm'];
const SCRIPTS = ['npm', 'npm-cli.js', 'npx', 'npx-cli.js', 'yarn', 'yarn.js', 'yarn.cjs', 'pnpm', 'pnpm.cjs', 'pnpm.js'];

function tool(p: import('../proc/snapshot.js').Proc): string | undefined {
  const a0 = arg0(p);
  // npm sets its process title: argv reads "npm start" and comm "npm start" (15 bytes)
  const t = TOOLS.find((n) => a0 === n || a0.startsWith(n + ' '));
  if (t && (p.comm === t || p.comm.startsWith(t + ' ') || p.comm === 'node')) return t;
  if (a0 === 'node' || a0 === 'nodejs') {
    const s = script(p);
    const b = s ? basename(s) : '';
    if (SCRIPTS.includes(b)) return TOOLS.find((n) => b.startsWith(n));
  }
  return undefined;
}

/**
 * `npm start` (yarn, pnpm) as PID 1. npm catches TERM and INT, passes them to the `sh -c` it
 * runs the script with, and exits 1 within about a second; the server that sh started is then
 * SIGKILLed with the namespace, without a signal of its own, even when it handles TERM. npm is
 * node: it waits only for its own children, so orphans stay zombies. It takes seconds (4-8 s on
 * a loaded machine) before the server runs.
 */
export const npm: Runtime = {
  id: 'npm', name: 'npm', kind: 'app', versions: 'npm 9 (Debian bookworm); yarn and pnpm: reaping as node, stop not measured',
  evidence: 'measured', proof: 'test/runtimes/node.test.ts',
  match: (p) => tool(p) !== undefined,
  signals: {
    TERM: { outcome: 'signal-exit', exitCode: 1, does: 'exits 1 within ~1 s; the server it started is SIGKILLed by the kernel with the namespace, never signalled' },
    INT: { outcome: 'signal-exit', exitCode: 1, does: 'as TERM' },
    HUP: { outcome: 'unknown', does: 'not measured' },
    QUIT: { outcome: 'unknown', does: 'not measured' },
  },
  refine: (_sig, p) => (tool(p) === 'npm' ? undefined : { outcome: 'unknown', does: `${tool(p)}'s stop was not measured: probe it` }),
  reaps: 'no', reapNote: 'node (libuv) waits only for its own children: orphans stay zombies',
  readySeconds: 8,
};
