import { after, test } from 'node:test';
import { engine, removeAll, runId } from '../helpers/engine.js';
import { img, prove, type Case } from './harness.js';

const run = runId('rt-jvm');
after(async () => { await removeAll(run); engine.close(); });

// OpenJDK 17 with a shutdown hook that drains for 2 s: exit 143 by design after ~2-3 s
const JVM: Case = { name: 'java (hook drains 2 s)', start: { image: img('jvm-hook') }, upWhen: /^java .* Hook$/, settle: 1, grace: 10,
  expect: { outcome: 'graceful', reaps: 'no', runtime: 'jvm' } };

test(`${JVM.name}: audit, probe, real orphan, timed docker stop`, { timeout: 420_000 }, async (t) => {
  const row = await prove(run, JVM, (s) => t.diagnostic(s));
  t.diagnostic(JSON.stringify(row));
});
