import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup } from '../cleanup.js';
import type { Engine } from '../engine/client.js';
import { demux, frameReader } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { ownerLabels } from '../engine/owner.js';
import { tarOfOne } from '../engine/tar.js';
import { packageRoot } from '../paths.js';

/**
 * The no-shell way in: a short-lived helper container that runs the project's static za-proc
 * (native/za-proc.c) in the target's PID namespace (or the host's), network none, read-only
 * root, removed afterwards whatever happens. Its image holds only that binary and is made by
 * `docker import` (no registry): zombie-audit/helper:<binary hash>, labelled zombie-audit.helper.
 */
export const HELPER_REPO = 'zombie-audit/helper';
export const HELPER_LABEL = 'zombie-audit.helper';

export function nativeBinary(name: string, arch: string): string {
  return join(packageRoot(), 'native', 'bin', `${name}-${arch}`);
}

export function dockerArch(a: string): string {
  return a === 'x86_64' ? 'amd64' : a === 'aarch64' ? 'arm64' : a;
}

async function engineArch(engine: Engine): Promise<string> {
  const v = await engine.json<{ Arch?: string }>('GET', '/version');
  return dockerArch(v.Arch ?? process.arch.replace('x64', 'amd64'));
}


/** Make sure the helper image exists; returns its reference. */
export async function ensureHelperImage(engine: Engine): Promise<string> {
  const arch = await engineArch(engine);
  const bin = nativeBinary('za-proc', arch);
  if (!existsSync(bin)) {
    throw new ZaError('NO_SHELL', `the helper binary za-proc for ${arch} is missing (${bin}): the no-shell and host-wide reads need it`,
      'build it with `npm run build:native` (needs musl-tools or gcc)');
  }
  const data = readFileSync(bin);
  const tag = createHash('sha256').update(data).digest('hex').slice(0, 12);
  const ref = `${HELPER_REPO}:${tag}`;
  const have = await engine.request('GET', `/images/${encodeURIComponent(ref)}/json`);
  if (have.status === 200) return ref;
  const tar = await tarOfOne('za-proc', data);
  const res = await engine.request('POST', '/images/create', {
    query: { fromSrc: '-', repo: HELPER_REPO, tag, changes: `LABEL ${HELPER_LABEL}=1` },
    raw: { data: tar, contentType: 'application/x-tar' }, timeoutMs: 60_000,
  });
  const text = res.body.toString('utf8');
  if (res.status >= 300 || /"error"/.test(text)) {
    throw new ZaError('ENGINE_API', `could not import the helper image: ${text.slice(0, 300)}`);
  }
  // older versions of our own helper image (from an earlier za-proc) are no use any more
  const old = await engine.json<Array<{ Id: string; RepoTags?: string[] | null }>>('GET', '/images/json', { query: { filters: JSON.stringify({ reference: [HELPER_REPO] }) } }).catch(() => []);
  for (const img of old) {
    for (const t of img.RepoTags ?? []) if (t !== ref) await engine.request('DELETE', `/images/${encodeURIComponent(t)}`).catch(() => undefined);
  }
  return ref;
}

/**
 * Run za-proc in a helper container with the given PID mode (`container:<id>` or `host`) and
 * return its output. The container is removed afterwards, also on Ctrl-C.
 */
export async function runHelper(engine: Engine, pidMode: string, args: string[] = [], opts: { timeoutMs?: number; onStdout?: (text: string) => void } = {}): Promise<string> {
  const image = await ensureHelperImage(engine);
  const created = await engine.json<{ Id: string }>('POST', '/containers/create', {
    body: {
      Image: image, Cmd: ['/za-proc', ...args], User: '0', NetworkDisabled: true,
      // owner and expiry: a run killed before its `finally` leaves it for the next run to remove
      Labels: { [HELPER_LABEL]: '1', ...ownerLabels('helper', Math.max(600, ((opts.timeoutMs ?? 0) / 1000) * 2)) },
      HostConfig: { PidMode: pidMode, NetworkMode: 'none', ReadonlyRootfs: true, AutoRemove: false,
        SecurityOpt: ['no-new-privileges'], LogConfig: { Type: 'json-file', Config: {} } },
    },
  });
  const id = created.Id;
  const remove = async (): Promise<void> => {
    await engine.request('DELETE', `/containers/${id}`, { query: { force: 1, v: 1 }, timeoutMs: 10_000 });
  };
  const undo = onCleanup(remove);
  try {
    const started = await engine.request('POST', `/containers/${id}/start`, { timeoutMs: opts.timeoutMs });
    if (started.status >= 300) {
      const msg = started.body.toString('utf8');
      throw new ZaError('ENGINE_API', `the helper container did not start: ${msg.slice(0, 300)}`,
        /pid|namespace/i.test(msg) ? 'the engine refused to join the PID namespace (rootless or restricted engine?)' : undefined);
    }
    let out: { stdout: string; stderr: string };
    let waited: { StatusCode: number };
    if (opts.onStdout) {
      // follow the output as it comes (a watcher), then collect the exit status
      const logs = await engine.request('GET', `/containers/${id}/logs`, {
        query: { stdout: 1, stderr: 1, follow: 1 }, timeoutMs: opts.timeoutMs, onData: frameReader(opts.onStdout),
      });
      out = demux(logs.body);
      waited = await engine.json<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { timeoutMs: opts.timeoutMs });
    } else {
      waited = await engine.json<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { timeoutMs: opts.timeoutMs });
      const logs = await engine.request('GET', `/containers/${id}/logs`, { query: { stdout: 1, stderr: 1 }, timeoutMs: opts.timeoutMs });
      out = demux(logs.body);
    }
    // 137: a watcher killed with the namespace it watched (its PID 1 exited): its output stands
    if (waited.StatusCode !== 0 && !(args[0] === '--watch' && waited.StatusCode === 137)) {
      throw new ZaError('BAD_OUTPUT', `the helper exited with ${waited.StatusCode}: ${out.stderr.trim().slice(0, 300)}`);
    }
    return out.stdout;
  } finally {
    undo();
    await remove().catch(() => undefined);
  }
}
