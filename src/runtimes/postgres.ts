import type { Proc } from '../proc/snapshot.js';
import { arg0, type Runtime } from './types.js';

/** postmaster's own helpers; any other "postgres: ..." child is a client session (backend). */
const AUX = /^postgres: (?:(?:\S+: )?)(checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|archiver|stats collector|logger|startup|walreceiver|walsender)/;

function sessions(procs: readonly Proc[]): number {
  return procs.filter((p) => p.pid !== 1 && p.state !== 'Z' && /^postgres: /.test(p.argv?.[0] ?? '') && !AUX.test(p.argv?.[0] ?? '')).length;
}

/**
 * The PostgreSQL postmaster as PID 1. TERM: smart shutdown: no new sessions, waits for the open
 * ones to end, then a checkpoint, exit 0. With sessions open, it waits for them, and docker stop
 * may hit its grace period. INT: fast shutdown (sessions rolled back), exit 0. QUIT: immediate
 * shutdown (crash recovery at next start). HUP: reloads the configuration. Its SIGCHLD handler
 * reaps every child.
 */
export const postgres: Runtime = {
  id: 'postgres', name: 'postgres', kind: 'app', versions: 'PostgreSQL 9.6-16 (seen: Debian bookworm postgresql-15)',
  evidence: 'measured', proof: 'test/runtimes/daemons.test.ts',
  match: (p) => ['postgres', 'postmaster'].includes(arg0(p)) && ['postgres', 'postmaster'].includes(p.comm),
  signals: {
    TERM: { outcome: 'graceful', exitCode: 0, does: 'smart shutdown: waits for open sessions, checkpoint, exit 0' },
    INT: { outcome: 'graceful', exitCode: 0, does: 'fast shutdown: sessions rolled back, checkpoint, exit 0' },
    QUIT: { outcome: 'signal-exit', does: 'immediate shutdown: no checkpoint, crash recovery at the next start' },
    HUP: { outcome: 'killed', does: 'reloads the configuration; keeps running' },
  },
  refine: (sig, _p, ctx) => {
    const n = sessions(ctx.procs);
    if (sig !== 'TERM' || n === 0) return undefined;
    return { outcome: 'unknown', does: `smart shutdown waits for the ${n} open session${n === 1 ? '' : 's'} to end: graceful if they end within the grace period, killed otherwise (STOPSIGNAL SIGINT: fast shutdown)` };
  },
  reaps: 'yes', reapNote: 'its SIGCHLD handler reaps every child (waitpid(-1))',
  readySeconds: 2,
};
