import type { Proc } from '../proc/snapshot.js';
import { arg0, type Runtime, type SignalFact } from './types.js';

/** The init passes it on; the app's own handling decides (the analysis looks at the child). */
const FWD: SignalFact = { outcome: 'unknown', does: 'forwards it to its child and exits with the child\'s status' };
const FWD_ALL = { TERM: FWD, INT: FWD, HUP: FWD, QUIT: FWD };

const named = (names: readonly string[]) => (p: Proc): boolean => names.includes(arg0(p)) && names.some((n) => p.comm === n.slice(0, 15));

/**
 * tini (and docker-init, the engine's --init, which is tini). As PID 1 it blocks every signal
 * and waits in sigtimedwait (the masks then read empty), forwards each to its child (to the
 * child's process group with -g), reaps every orphan, and exits with the child's status as soon
 * as the child is gone: the rest of the namespace is then SIGKILLed by the kernel.
 */
export const tini: Runtime = {
  id: 'tini', name: 'tini', kind: 'init', forwards: true, versions: 'tini 0.18-0.19', evidence: 'measured', proof: 'test/src/probe/probe.test.ts',
  match: named(['tini', 'tini-static', 'tini-static-amd64']),
  signals: FWD_ALL, reaps: 'yes', reapNote: 'reaps every child (waitpid(-1)) after each signal wait', readySeconds: 0,
};

export const dockerInit: Runtime = { ...tini, id: 'docker-init', name: 'docker-init', match: named(['docker-init']) };

/** dumb-init: forwards to the child's whole session (setsid mode, the default), reaps, exits with the child. */
export const dumbInit: Runtime = {
  ...tini, id: 'dumb-init', name: 'dumb-init', versions: 'dumb-init 1.2', match: named(['dumb-init']),
};

/** catatonit (podman's --init): forwards, reaps, exits with the child. */
export const catatonit: Runtime = { ...tini, id: 'catatonit', name: 'catatonit', versions: 'catatonit 0.1', match: named(['catatonit']) };

/** za-shim, the project's init: forwards (and rewrites), reaps, waits for the rest with a grace period. */
export const zaShim: Runtime = {
  ...tini, id: 'za-shim', name: 'zombie-audit-shim', versions: 'this project', proof: 'test/native/shim.test.ts', match: named(['za-shim']),
};

/**
 * s6-overlay's /init (s6-svscan as PID 1). TERM brings the services down (their finish scripts
 * run), then it exits with the code in /run/s6-linux-init-container-results/exitcode. It must
 * stay PID 1. Reaps every orphan.
 */
export const s6: Runtime = {
  id: 's6', name: 's6-svscan', kind: 'init', forwards: true, versions: 's6-overlay v2-v3', evidence: 'source',
  match: (p) => p.comm === 's6-svscan' || (p.argv?.[0] === '/init' && ['s6-svscan', 'init', 's6-linux-init'].includes(p.comm)) || named(['s6-svscan'])(p),
  signals: { TERM: { outcome: 'graceful', does: 'brings the services down with their finish scripts, then exits' }, INT: FWD, HUP: FWD, QUIT: FWD },
  reaps: 'yes', reapNote: 'reaps every child', readySeconds: 1,
};

/**
 * runit's runsvdir as PID 1: on TERM it exits 0 at once without stopping the services (they are
 * SIGKILLed with the namespace); on HUP it sends TERM to every runsv and exits 111. runit(8) as
 * PID 1 runs stage 3 on CONT/INT. Reaps every child.
 */
export const runit: Runtime = {
  id: 'runit', name: 'runit', kind: 'init', forwards: true, versions: 'runit 2.1', evidence: 'source',
  match: named(['runsvdir', 'runit', 'runit-init']),
  signals: {
    TERM: { outcome: 'signal-exit', exitCode: 0, does: 'runsvdir exits 0 at once; the services are SIGKILLed with the namespace, never signalled' },
    HUP: { outcome: 'graceful', exitCode: 111, does: 'runsvdir sends TERM to every service, exits 111' },
  },
  reaps: 'yes', reapNote: 'reaps every child', readySeconds: 1,
};

/** systemd and phusion's my_init: system managers; they stop their units on TERM (systemd: on SIGRTMIN+3). */
export const systemd: Runtime = {
  id: 'systemd', name: 'systemd', kind: 'init', forwards: true, versions: 'systemd 2xx', evidence: 'source',
  match: named(['systemd']),
  signals: { TERM: { outcome: 'unknown', does: 'systemd as PID 1 re-executes on TERM; it shuts down on SIGRTMIN+3 (STOPSIGNAL SIGRTMIN+3)' } },
  reaps: 'yes', reapNote: 'reaps every child', readySeconds: 2,
};

export const myInit: Runtime = {
  id: 'my_init', name: 'my_init', kind: 'init', forwards: true, versions: 'phusion baseimage', evidence: 'source',
  match: (p) => arg0(p) === 'my_init' || (/^python/.test(arg0(p)) && (p.argv?.[1] ?? '').endsWith('/my_init')),
  signals: { TERM: { outcome: 'graceful', does: 'stops runit services, then exits' } },
  reaps: 'yes', reapNote: 'reaps every child', readySeconds: 1,
};
