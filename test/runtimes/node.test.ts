import { after, test } from 'node:test';
import { engine, removeAll, runId } from '../helpers/engine.js';
import { img, prove, type Case } from './harness.js';

const run = runId('rt-node');
after(async () => { await removeAll(run); engine.close(); });

const CASES: Case[] = [
  // no JS listener: node's native handler re-raises TERM, the kernel drops it for PID 1: killed
  { name: 'node server.js (no listener)', start: { image: img('node-plain') }, upWhen: /^node \/app\/server\.js$/, settle: 1, grace: 4,
    expect: { outcome: 'unknown', reaps: 'no', runtime: 'node' } },
  // the same TERM bit with a process.on('SIGTERM') listener: graceful, exit 0
  { name: "node server.js (process.on('SIGTERM'))", start: { image: img('node-handler') }, upWhen: /^node \/app\/server\.js$/, settle: 1, grace: 4,
    expect: { outcome: 'unknown', reaps: 'no', runtime: 'node' } },
  // npm exits 1 at once; the server is SIGKILLed with the namespace, never signalled
  { name: 'npm start', start: { image: img('npm-start') }, upWhen: /^node server\.js$/, settle: 1, grace: 4,
    expect: { outcome: 'signal-exit', reaps: 'no', runtime: 'npm' } },
];

for (const k of CASES) {
  test(`${k.name}: audit, probe, real orphan, timed docker stop`, { timeout: 420_000 }, async (t) => {
    await prove(run, k, (s) => t.diagnostic(s));
  });
}
