import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Engine } from './client.js';

/**
 * Ownership and expiry of the containers the tool makes for itself (helpers, sandboxes, journal
 * records): `zombie-audit.owner` names the CLI process that made it (host, boot, pid, start
 * time: a pid alone is reused) and `zombie-audit.expires` when it may go whatever its owner.
 * These labels go only on containers that are never committed into an image: a commit merges
 * the container's labels into the image's (that is how `zombie-audit.tmp=1` reached users).
 */
export const OWNER_LABEL = 'zombie-audit.owner';
export const EXPIRES_LABEL = 'zombie-audit.expires';
/** what the container is for: helper | watch | sandbox | journal */
export const KIND_LABEL = 'zombie-audit.kind';

function startTicks(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim().slice(0, 8);
  } catch {
    return 'noboot';
  }
}

let me: string | undefined;

/** This CLI process: `host/boot/pid/start`. */
export function ownerToken(): string {
  me ??= [hostname().replace(/\//g, '_'), bootId(), process.pid, startTicks('self') ?? '0'].join('/');
  return me;
}

/** Labels for a container this run makes, expiring after `ttlSeconds`. */
export function ownerLabels(kind: string, ttlSeconds: number): Record<string, string> {
  return { [OWNER_LABEL]: ownerToken(), [EXPIRES_LABEL]: String(Math.floor(Date.now() / 1000) + Math.ceil(ttlSeconds)), [KIND_LABEL]: kind };
}

/** Whether the owner still runs: false when it is provably gone, undefined when it cannot be told (another host). */
export function ownerAlive(token: string | undefined): boolean | undefined {
  if (!token) return false;
  const [host, boot, pid, start] = token.split('/');
  if (host !== hostname().replace(/\//g, '_')) return undefined;
  if (boot !== bootId()) return false;
  const now = startTicks(Number(pid));
  return now !== undefined && now === start;
}

export interface OwnedContainer {
  Id: string;
  Names?: string[];
  State?: string;
  Labels?: Record<string, string> | null;
}

/** Why an owned container may be removed, or undefined to leave it. */
export function staleReason(c: OwnedContainer, nowSeconds = Date.now() / 1000): string | undefined {
  const l = c.Labels ?? {};
  const alive = ownerAlive(l[OWNER_LABEL]);
  if (alive === true) return undefined;
  if (alive === false) return 'its owner is gone';
  const exp = Number(l[EXPIRES_LABEL]);
  return Number.isFinite(exp) && exp < nowSeconds ? 'expired' : undefined;
}

/** One list call: every container carrying the owner label (the caller decides what is stale). */
export async function listOwned(engine: Engine): Promise<OwnedContainer[]> {
  return engine.json<OwnedContainer[]>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: [OWNER_LABEL] }) } });
}
