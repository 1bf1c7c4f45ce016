import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyze } from '../../../src/analysis/audit.js';
import { parseSnapshot } from '../../../src/proc/snapshot.js';
import { RUNTIMES, runtimeOf } from '../../../src/runtimes/index.js';

const FIX = new URL('../../../../test/fixtures/proc/runtimes/', import.meta.url);
const snap = (f: string) => parseSnapshot(readFileSync(new URL(`${f}.txt`, FIX), 'latin1'));
const audit = (f: string) => analyze(snap(f), { id: 'c0ffee', name: 'c', image: 'img' }, 'exec');

// real captures of the Debian bookworm programs as PID 1 (test/runtimes/capture.ts)
const EXPECT: Record<string, { runtime: string; outcome: string; exitCode?: number; reaps: string; kind: string }> = {
  node: { runtime: 'node', outcome: 'unknown', reaps: 'no', kind: 'app' },
  'npm-start': { runtime: 'npm', outcome: 'signal-exit', exitCode: 1, reaps: 'no', kind: 'app' },
  jvm: { runtime: 'jvm', outcome: 'graceful', exitCode: 143, reaps: 'no', kind: 'app' },
  apache2: { runtime: 'apache2', outcome: 'graceful', exitCode: 0, reaps: 'yes', kind: 'app' },
  supervisord: { runtime: 'supervisord', outcome: 'graceful', exitCode: 0, reaps: 'yes', kind: 'init' },
  'bash-service': { runtime: 'bash', outcome: 'killed', exitCode: 137, reaps: 'unknown', kind: 'shell' },
  redis: { runtime: 'redis', outcome: 'graceful', exitCode: 0, reaps: 'no', kind: 'app' },
  nginx: { runtime: 'nginx', outcome: 'graceful', exitCode: 0, reaps: 'yes', kind: 'app' },
};

for (const [f, e] of Object.entries(EXPECT)) {
  test(`${f} as PID 1 (real capture): recognized as ${e.runtime}, stop ${e.outcome}, reaps ${e.reaps}`, () => {
    const r = audit(f);
    assert.equal(r.pid1.runtime?.id, e.runtime, JSON.stringify(r.pid1.argv));
    assert.equal(r.pid1.kind, e.kind);
    assert.equal(r.stop.outcome, e.outcome, r.stop.summary);
    assert.equal(r.stop.exitCode, e.exitCode);
    assert.equal(r.pid1.reapsChildren, e.reaps, r.pid1.reapsReason);
  });
}

test('node: the TERM bit is set without any listener, and the verdict says unknown with the probe command', () => {
  const r = audit('node');
  assert.equal(r.pid1.signals.TERM, 'handled');
  assert.match(r.stop.summary, /re-raise.*zombie-audit probe c/);
  assert.ok(r.findings.some((x) => x.id === 'ZA203'), 'node does not reap: ZA203');
});

test('JVM: exit 143 is by design, said as users read it', () => {
  const r = audit('jvm');
  assert.equal(r.stop.byDesign, true);
  assert.match(r.stop.summary, /143 = 128\+15 \(SIGTERM\): java \(JVM\)'s normal exit after its shutdown ran, by design/);
});

test('names are hostile input: comm or argv alone never makes a runtime', () => {
  const s = snap('node');
  const p1 = s.procs.get(1)!;
  // a process calling itself java by comm, running something else
  assert.equal(runtimeOf({ ...p1, comm: 'java', argv: ['/app/server'] }), undefined);
  // argv[0] says tini, but the kernel's comm says it is sh: not an init
  assert.equal(runtimeOf({ ...p1, comm: 'sh', argv: ['tini', '--', 'app'] }), undefined);
  // argv[0] nginx with a foreign comm
  assert.equal(runtimeOf({ ...p1, comm: 'evil', argv: ['nginx: master process nginx'] }), undefined);
  // the real ones
  assert.equal(runtimeOf({ ...p1, comm: 'tini', argv: ['/sbin/tini', '--', 'app'] })?.id, 'tini');
  assert.equal(runtimeOf(p1)?.id, 'node');
});

test('the knowledge base: every entry documented, ids unique, measured ones name their proof', () => {
  const ids = RUNTIMES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  const doc = readFileSync(new URL('../../../../docs/runtimes.md', import.meta.url), 'utf8');
  for (const r of RUNTIMES) {
    if (r.evidence === 'measured') assert.ok(r.proof, `${r.id}: measured needs a proof`);
    assert.ok(r.readySeconds >= 0);
    const d = doc.toLowerCase();
    assert.ok(d.includes(r.id.toLowerCase()) || d.includes(r.name.split(' ')[0].toLowerCase()), `${r.id} in docs/runtimes.md`);
  }
});
