import { after, test } from 'node:test';
import { engine, removeAll, runId } from '../helpers/engine.js';
import { img, prove, type Case } from './harness.js';

const run = runId('rt-daemons');
after(async () => { await removeAll(run); engine.close(); });

const CASES: Case[] = [
  { name: 'supervisord -n', start: { image: img('supervisord') }, upWhen: /^\/bin\/sleep infinity$/, settle: 1, grace: 10,
    expect: { outcome: 'graceful', reaps: 'yes', runtime: 'supervisord' } },
  // reaps by polling, up to ~1 s late: the orphan probe must wait long enough
  { name: 'apache2 -DFOREGROUND', start: { image: img('apache2') }, upWhen: /^apache2 -DFOREGROUND$/, settle: 1, grace: 10,
    expect: { outcome: 'graceful', reaps: 'yes', runtime: 'apache2' } },
  { name: 'postgres (postmaster)', start: { image: img('postgres') }, upWhen: /^postgres: 15\/main: checkpointer/, settle: 1, grace: 10,
    expect: { outcome: 'graceful', reaps: 'yes', runtime: 'postgres' } },
  { name: "nginx -g 'daemon off;'", start: { image: img('nginx') }, upWhen: /^nginx: worker process/, settle: 1, grace: 10,
    expect: { outcome: 'graceful', reaps: 'yes', runtime: 'nginx' } },
  // a bash service script with no trap: TERM dropped, killed
  { name: 'bash service script', start: { image: img('bash-service') }, upWhen: /^sleep infinity$/, settle: 0.5, grace: 4,
    expect: { outcome: 'killed', reaps: 'unknown', runtime: 'bash' } },
];

for (const k of CASES) {
  test(`${k.name}: audit, probe, real orphan, timed docker stop`, { timeout: 420_000 }, async (t) => {
    await prove(run, k, (s) => t.diagnostic(s));
  });
}
