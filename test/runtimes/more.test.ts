import { after, test } from 'node:test';
import { engine, removeAll, runId } from '../helpers/engine.js';
import { img, prove, type Case } from './harness.js';

const run = runId('rt-more');
after(async () => { await removeAll(run); engine.close(); });

const CASES: Case[] = [
  { name: 'redis-server', start: { image: img('redis') }, upWhen: /^redis-server 127\.0\.0\.1:6379/, settle: 0.5, grace: 10,
    expect: { outcome: 'graceful', reaps: 'no', runtime: 'redis' } },
  { name: 'cron -f', start: { image: img('cron') }, upWhen: /^cron -f$/, settle: 0.5, grace: 4,
    expect: { outcome: 'killed', reaps: 'yes', runtime: 'cron' } },
  // plain python3 with no handler: catches INT only; TERM dropped
  { name: 'python3 app.py (no handler)', start: { image: img('gunicorn'), cmd: ['python3', '-c', 'import time\nwhile True: time.sleep(1)'] },
    upWhen: /^python3 -c/, settle: 0.5, grace: 4, expect: { outcome: 'killed', reaps: 'unknown', runtime: 'python' } },
];

for (const k of CASES) {
  test(`${k.name}: audit, probe, real orphan, timed docker stop`, { timeout: 420_000 }, async (t) => {
    await prove(run, k, (s) => t.diagnostic(s));
  });
}
