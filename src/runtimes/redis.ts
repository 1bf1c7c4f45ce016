import type { Runtime } from './types.js';

/**
 * redis-server as PID 1. It rewrites argv to "redis-server ADDR:PORT". TERM and INT: shutdown
 * (saves the dataset first when save points are set), exit 0. HUP is ignored (SIG_IGN). It
 * waits only for its own fork (BGSAVE): orphans stay zombies.
 */
export const redis: Runtime = {
  id: 'redis', name: 'redis-server', kind: 'app', versions: 'Redis 5-7 (seen: Debian bookworm redis 7.0)',
  evidence: 'measured', proof: 'test/runtimes/more.test.ts',
  match: (p) => p.comm === 'redis-server' && /^(?:\S*\/)?redis-server(?: |$)/.test(p.argv?.[0] ?? ''),
  signals: {
    TERM: { outcome: 'graceful', exitCode: 0, does: 'shutdown (saves first when save points are set), exit 0' },
    INT: { outcome: 'graceful', exitCode: 0, does: 'as TERM' },
  },
  reaps: 'no', reapNote: 'no SIGCHLD handler; it waits only for its own BGSAVE child',
  readySeconds: 1,
};
