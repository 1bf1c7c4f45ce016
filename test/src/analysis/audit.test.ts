import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyze, type ContainerInfo } from '../../../src/analysis/audit.js';
import { disposition, signalNumber } from '../../../src/analysis/signals.js';
import { parseSnapshot } from '../../../src/proc/snapshot.js';

const FIX = new URL('../../../../test/fixtures/proc/', import.meta.url);
const info = (o: Partial<ContainerInfo> = {}): ContainerInfo => ({ id: 'c0ffee', name: 'c', image: 'img', ...o });
const audit = (f: string, o: Partial<ContainerInfo> = {}) =>
  analyze(parseSnapshot(readFileSync(new URL(f, FIX), 'latin1')), info(o), 'exec');
const ids = (r: ReturnType<typeof audit>) => r.findings.map((f) => f.id).sort();

test('(a) PID 1 that leaks: zombies are PID 1\'s to reap, TERM dropped, killed after the timeout', () => {
  const r = audit('leaky-pid1.txt');
  assert.equal(r.pid1.kind, 'app');
  assert.equal(r.processes.zombies, 5);
  assert.ok(r.zombies.every((z) => z.reaper === 'pid1' && z.ppid === 1 && z.parentName === 'app'));
  assert.deepEqual(r.zombieParents.map((g) => [g.ppid, g.count]), [[1, 5]]);
  assert.equal(r.pid1.signals.TERM, 'dropped');
  assert.equal(r.stop.outcome, 'killed');
  assert.match(r.stop.summary, /wait 10 s and kill it with SIGKILL \(exit 137\)/);
  assert.deepEqual(ids(r), ['ZA101', 'ZA201', 'ZA205']);
  assert.equal(r.findings.find((f) => f.id === 'ZA101')!.severity, 'error');
});

test('(b) no TERM handler: the stop timeout from the config is the one reported', () => {
  const r = audit('no-term.txt', { stopTimeout: 3 });
  assert.equal(r.stop.outcome, 'killed');
  assert.equal(r.stop.timeoutSeconds, 3);
  assert.match(r.stop.summary, /wait 3 s/);
  assert.ok(ids(r).includes('ZA203'), 'an app PID 1 with no SIGCHLD handler is flagged');
});

test('(c) a shell as PID 1: kind shell, INT caught, TERM dropped, QUIT ignored', () => {
  const r = audit('shell-pid1.txt');
  assert.equal(r.pid1.kind, 'shell');
  assert.deepEqual(r.pid1.signals, { TERM: 'dropped', INT: 'handled', HUP: 'dropped', QUIT: 'ignored' });
  assert.deepEqual(ids(r), ['ZA201', 'ZA202', 'ZA205']);
});

test('(d, e) tini and dumb-init forward TERM even with empty masks (sigtimedwait); the app\'s handler is its own code: unknown', () => {
  for (const f of ['tini.txt', 'dumb-init.txt', 'catatonit.txt']) {
    const r = audit(f);
    assert.equal(r.pid1.kind, 'init', f);
    assert.equal(r.pid1.signals.TERM, 'forwarded', f);
    assert.equal(r.pid1.reapsChildren, 'yes', f);
    // the fixture app catches TERM: a caught bit is not a graceful stop
    assert.equal(r.stop.outcome, 'unknown', f);
    assert.match(r.stop.summary, /which catches it: what its handler does is not readable; run `zombie-audit probe c` to find out/, f);
    assert.deepEqual(ids(r), [], f);
  }
  const tini = audit('tini.txt');
  assert.equal(tini.pid1.init, 'tini');
  assert.match(tini.pid1.signalReasons.TERM, /sigtimedwait/);
});

test('tini with empty masks would read as deaf without the sigtimedwait rule', () => {
  const s = parseSnapshot(readFileSync(new URL('tini.txt', FIX), 'latin1'));
  const p1 = { ...s.procs.get(1)!, wchan: undefined, syscall: undefined };
  assert.equal(disposition(p1, 15, { pid1: true, forwards: false }).disposition, 'dropped');
  const p1w = s.procs.get(1)!;
  assert.equal(disposition(p1w, 15, { pid1: true, forwards: false }).disposition, 'handled');
});

test('(f) an init whose app leaks: the zombies are the app\'s, no init can reap them', () => {
  const r = audit('init-app-leaks.txt');
  assert.equal(r.pid1.kind, 'init');
  assert.ok(r.zombies.every((z) => z.reaper === 'parent' && z.ppid === 7));
  assert.deepEqual(ids(r), ['ZA102']);
  assert.match(r.findings[0].message, /held by pid 7 \(app\)/);
  assert.equal(r.stop.outcome, 'signal-exit');
  assert.match(r.stop.summary, /exit 143/);
});

test('(h) an unknown app catching TERM and CHLD: both unknown from the masks, the probe named', () => {
  const r = audit('healthy.txt');
  assert.equal(r.pid1.signals.TERM, 'handled');
  assert.equal(r.pid1.runtime, undefined);
  assert.equal(r.pid1.reapsChildren, 'unknown');
  assert.match(r.pid1.reapsReason!, /catches SIGCHLD, but whether it waits for any child/);
  assert.equal(r.stop.outcome, 'unknown');
  assert.match(r.stop.summary, /a caught bit is not a graceful stop.*zombie-audit probe c/);
  assert.deepEqual(ids(r), ['ZA205']);
});

test('a STOPSIGNAL the app does not handle is what decides the stop verdict', () => {
  const r = audit('healthy.txt', { stopSignal: 'SIGQUIT' });
  assert.equal(r.stop.signal, 'SIGQUIT');
  assert.equal(r.stop.outcome, 'killed');
  assert.ok(r.findings.find((f) => f.id === 'ZA201')!.evidence.includes('SIGQUIT: no handler: the kernel drops it for PID 1'));
  const usr = audit('healthy.txt', { stopSignal: 'SIGUSR1' });
  assert.ok(usr.findings.find((f) => f.id === 'ZA201')!.evidence.includes('SIGUSR1: no handler: the kernel drops it for PID 1'));
  const ok = audit('healthy.txt', { stopSignal: '15' });
  assert.equal(ok.stop.outcome, 'unknown');
});

test('PID headroom: a limit close to full is flagged, an error past 90%', () => {
  const s = parseSnapshot(readFileSync(new URL('leaky-pid1.txt', FIX), 'latin1'));
  // pids.current as read counts the collector's own shell: 7 processes + 1
  s.pids = { max: 7, current: 8, cgroup: 'v1' };
  const r = analyze(s, info(), 'exec');
  assert.equal(r.pids.max, 7);
  assert.equal(r.pids.current, 7);
  assert.equal(r.pids.headroom, 0);
  const f = r.findings.find((x) => x.id === 'ZA103');
  assert.ok(f);
  assert.equal(f.severity, 'error');
  s.pids = { max: 100, current: 7, cgroup: 'v2' };
  assert.ok(!analyze(s, info(), 'exec').findings.some((x) => x.id === 'ZA103'));
});

test('odd names survive into the report', () => {
  const r = audit('odd-names.txt');
  const g = r.zombieParents.find((x) => x.parentName === 'we(ird) )name')!;
  assert.ok(g);
  assert.equal(g.count, 2);
});

test('signal names and numbers', () => {
  assert.equal(signalNumber('TERM'), 15);
  assert.equal(signalNumber('SIGQUIT'), 3);
  assert.equal(signalNumber('9'), 9);
  assert.equal(signalNumber('SIGRTMIN+3'), 37);
  assert.equal(signalNumber('NOPE'), undefined);
});
