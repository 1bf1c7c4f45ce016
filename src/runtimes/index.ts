/**
 * The runtime knowledge base: what real programs do as PID 1 with TERM, INT, HUP, QUIT and with
 * orphans (docs/runtimes.md; each measured entry proven in test/runtimes/). Plain data and small
 * match functions: cheap to load on the audit's fast path.
 */
import type { Proc } from '../proc/snapshot.js';
import { apache2 } from './apache2.js';
import { cron } from './cron.js';
import { gunicorn } from './gunicorn.js';
import { catatonit, dockerInit, dumbInit, myInit, runit, s6, systemd, tini, zaShim } from './inits.js';
import { jvm } from './jvm.js';
import { memcached } from './memcached.js';
import { nginx } from './nginx.js';
import { node } from './node.js';
import { npm } from './npm.js';
import { phpfpm } from './phpfpm.js';
import { postgres } from './postgres.js';
import { python } from './python.js';
import { redis } from './redis.js';
import { bash, busyboxSh, dash } from './shells.js';
import { sshd } from './sshd.js';
import { supervisord } from './supervisord.js';
import type { Runtime } from './types.js';
import { uvicorn } from './uvicorn.js';

export type { MatchContext, Reaping, Runtime, SignalFact, SignalKey, StopOutcome } from './types.js';

/** Order matters: the specific before the general (npm before node, gunicorn before python). */
export const RUNTIMES: readonly Runtime[] = [
  tini, dockerInit, dumbInit, catatonit, zaShim, s6, runit, systemd, myInit, supervisord,
  npm, node, jvm, gunicorn, uvicorn, python, phpfpm, nginx, apache2, postgres, redis, memcached, cron, sshd,
  busyboxSh, bash, dash,
];

/** The runtime `p` is, recognized by its executable (argv) and the kernel's comm, or undefined. */
export function runtimeOf(p: Proc): Runtime | undefined {
  if (p.state === 'Z') return undefined;
  for (const r of RUNTIMES) if (r.match(p)) return r;
  return undefined;
}

export function runtimeById(id: string): Runtime | undefined {
  return RUNTIMES.find((r) => r.id === id);
}
