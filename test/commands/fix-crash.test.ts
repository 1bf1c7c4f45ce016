import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { JOURNAL_LABEL, STATE_LABEL } from '../../src/fix/journal.js';
import { OWNER_LABEL } from '../../src/engine/owner.js';
import { engine, RUN_LABEL, runId, sleep } from '../helpers/engine.js';

/**
 * Crash safety of `fix --recreate`: the CLI is SIGKILLed at every step (before the step is
 * taken and right after it; ZOMBIE_AUDIT_KILL_AT), and Ctrl-C'd during the stop. Then one
 * more run of any command (here: an audit of another container) must leave the service
 * running under its name (the original or the fixed one) and nothing else behind: no
 * renamed old container, no build container, no journal record.
 */
const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const run = runId('fixcrash');
const tag = `zombie-audit-test/${run}:fixed`;
const za = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 180_000 });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
};

after(async () => {
  const list = await engine.json<Array<{ Id: string }>>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`] }) } });
  await Promise.all(list.map((c) => engine.request('DELETE', `/containers/${c.Id}`, { query: { force: 1, v: 1 } })));
  await engine.request('DELETE', `/images/${encodeURIComponent(tag)}`, { query: { force: 1 } });
  engine.close();
});

async function service(name: string, stopTimeout = 2): Promise<string> {
  const c = await engine.json<{ Id: string }>('POST', '/containers/create', { query: { name }, body: {
    Image: 'zombie-audit-fixture/leaky-pid1', Labels: { [RUN_LABEL]: run }, StopTimeout: stopTimeout, HostConfig: { NetworkMode: 'none' } } });
  await engine.request('POST', `/containers/${c.Id}/start`);
  return c.Id;
}

/** Every container whose name involves `name`, and every journal record / build container of any op on it. */
async function leftovers(name: string): Promise<string[]> {
  const all = await engine.json<Array<{ Names: string[]; Labels: Record<string, string> }>>('GET', '/containers/json', { query: { all: 1 } });
  // this service's operations (other test files run fix on their own containers meanwhile): the
  // journal records whose state names it
  const ops = new Set(all.flatMap((c) => {
    const st = c.Labels?.[STATE_LABEL] ?? '';
    const op = /"op":"([^"]+)"/.exec(st)?.[1];
    return op && st.includes(JSON.stringify(name)) ? [op] : [];
  }));
  return all.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')))
    .filter((n) => n !== name && (n.startsWith(`${name}-zombie-audit-old`) || [...ops].some((op) => n.startsWith(`zombie-audit-journal-${op}`) || n === `zombie-audit-build-${op}`)));
}

async function journalOf(origId: string): Promise<number> {
  const recs = await engine.json<Array<{ Labels: Record<string, string> }>>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: [JOURNAL_LABEL] }) } });
  return recs.filter((r) => (r.Labels['zombie-audit.journal.state'] ?? '').includes(origId)).length;
}

const POINTS = ['build', 'build+', 'stop', 'stop+', 'rename', 'rename+', 'create', 'create+', 'start', 'start+', 'check', 'check+', 'remove-old', 'remove-old+'];
const table: string[] = [];

test('SIGKILL at every step, then one more run of any command: the service runs under its name, nothing left', async () => {
  for (const point of POINTS) {
    const name = `${run}-k-${point.replace('+', 'p')}`;
    const id = await service(name);
    const r = za(['fix', name, '--recreate', '--no-probe', '--tag', tag, '--settle', '0.5'], { ZOMBIE_AUDIT_KILL_AT: point });
    assert.equal(r.signal, 'SIGKILL', `${point}: killed (${r.code} ${r.err})`);
    const journalled = await journalOf(id);
    // any command: an audit of another container runs the housekeeping
    const other = za(['audit', name + '-x'], {});
    assert.equal(other.code, 2);
    const j = await engine.json<{ Id: string; State: { Running: boolean }; Config: { Image: string } }>('GET', `/containers/${name}/json`);
    assert.ok(j.State.Running, `${point}: ${name} runs`);
    const outcome = j.Id === id ? 'original' : j.Config.Image === tag ? 'fixed' : 'other';
    assert.notEqual(outcome, 'other', point);
    const left = await leftovers(name);
    assert.deepEqual(left, [], `${point}: nothing else behind`);
    assert.equal(await journalOf(id), 0, `${point}: journal closed`);
    table.push(`${point.padEnd(12)} journal=${journalled} -> ${outcome} running; recovered: ${JSON.stringify((other.err.match(/interrupted fix[^\n]*/) ?? [''])[0].slice(0, 90))}`);
  }
  console.log(table.join('\n'));
});

test('Ctrl-C during the stop: the stop finishes, then the rollback starts the original again', async () => {
  const name = `${run}-int`;
  const id = await service(name, 4); // leaky-pid1 drops TERM: the stop takes the whole 4 s
  const child = spawn(process.execPath, [BIN, 'fix', name, '--recreate', '--no-probe', '--tag', tag], { env: { ...process.env, NO_COLOR: '1' } });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const code = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  // wait until the journal says the stop is in flight
  let step = '';
  for (let i = 0; i < 600 && step !== 'stop'; i++) {
    const recs = await engine.json<Array<{ Labels: Record<string, string> }>>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: [JOURNAL_LABEL] }) } });
    step = recs.find((r) => (r.Labels['zombie-audit.journal.state'] ?? '').includes(id))?.Labels['zombie-audit.journal.step'] ?? '';
    await sleep(50);
  }
  assert.equal(step, 'stop');
  await sleep(800);
  child.kill('SIGINT');
  assert.equal(await code, 130, err);
  assert.match(err, /waiting for the step in flight, then rolling back/);
  const j = await engine.json<{ Id: string; State: { Running: boolean }; Name: string }>('GET', `/containers/${name}/json`);
  assert.equal(j.Id, id);
  assert.ok(j.State.Running, `the original runs again: ${err}`);
  assert.deepEqual(await leftovers(name), []);
  assert.equal(await journalOf(id), 0);
});

test('the fixed image and the new container carry no temporary label', async () => {
  const img = await engine.json<{ Config: { Labels: Record<string, string> | null } }>('GET', `/images/${encodeURIComponent(tag)}/json`);
  const labels = Object.keys(img.Config.Labels ?? {});
  assert.ok(!labels.some((l) => l === 'zombie-audit.tmp' || l === OWNER_LABEL || l.startsWith(JOURNAL_LABEL) || l === 'zombie-audit.expires'), labels.join(','));
});
