import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import type { RunSpec, ScriptSource } from './spec.js';

const INIT_PATHS = ['/sbin/tini', '/usr/bin/tini', '/usr/local/bin/tini', '/tini', '/usr/bin/dumb-init', '/usr/local/bin/dumb-init', '/usr/bin/catatonit', '/za-shim', '/init'];
const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The one file at the root of a tar archive (GET /containers/{id}/archive). */
async function untarOne(buf: Buffer): Promise<string | undefined> {
  const { extract } = await import('tar-stream');
  return new Promise((resolve, reject) => {
    const ex = extract();
    let text: string | undefined;
    ex.on('entry', (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => { chunks.push(c as Buffer); });
      stream.on('end', () => { if (h.type === 'file' && text === undefined) text = Buffer.concat(chunks).toString('utf8'); next(); });
      stream.resume();
    });
    ex.on('finish', () => resolve(text));
    ex.on('error', reject);
    ex.end(buf);
  });
}

/**
 * An image's config as a RunSpec, through the engine: ENTRYPOINT/CMD (shell form shows as
 * /bin/sh -c), STOPSIGNAL, which known init binaries it holds, and its entrypoint script, read
 * from a container that is created and never started, then removed.
 */
export async function imageSpec(engine: Engine, ref: string): Promise<RunSpec> {
  const res = await engine.request('GET', `/images/${encodeURIComponent(ref)}/json`);
  if (res.status === 404) throw new ZaError('NOT_FOUND', `no image ${ref} on the engine`, 'pull or build it first; lint reads images already on the engine');
  if (res.status >= 300) throw new ZaError('ENGINE_API', `image ${ref}: ${res.body.toString('utf8').slice(0, 200)}`);
  const img = JSON.parse(res.body.toString('utf8')) as { Config: { Entrypoint?: string[] | null; Cmd?: string[] | null; StopSignal?: string; WorkingDir?: string } };
  const what = `image ${ref}`;
  const at = { file: what, line: 1 };
  const c = await engine.json<{ Id: string }>('POST', '/containers/create', { body: { Image: ref, Entrypoint: ['/nonexistent'], Cmd: [], Labels: { 'zombie-audit.tmp': '1' }, NetworkDisabled: true, HostConfig: { NetworkMode: 'none' } } });
  const files = new Map<string, string | undefined>();
  const read = async (p: string): Promise<string | undefined> => {
    if (files.has(p)) return files.get(p);
    const r = await engine.request('GET', `/containers/${c.Id}/archive`, { query: { path: p } });
    const t = r.status === 200 ? await untarOne(r.body) : undefined;
    files.set(p, t);
    return t;
  };
  const exists = async (p: string): Promise<boolean> => (await engine.request('HEAD', `/containers/${c.Id}/archive`, { query: { path: p } })).status === 200;
  try {
    let initInstalled: RunSpec['initInstalled'];
    for (const p of INIT_PATHS) if (await exists(p)) { initInstalled = { name: p.slice(p.lastIndexOf('/') + 1), at }; break; }
    // the image's own /bin/sh: follow its symlinks (dash, bash, busybox)
    let sh: RunSpec['sh'] = { kind: 'none', why: `${what} has no /bin/sh` };
    let p = '/bin/sh';
    for (let i = 0; i < 4; i++) {
      const r = await engine.request('HEAD', `/containers/${c.Id}/archive`, { query: { path: p } });
      if (r.status !== 200) break;
      const stat = JSON.parse(Buffer.from(String(r.headers['x-docker-container-path-stat'] ?? ''), 'base64').toString('utf8') || '{}') as { linkTarget?: string };
      const target = stat.linkTarget && stat.linkTarget !== p ? stat.linkTarget : undefined;
      const name = (target ?? p).slice((target ?? p).lastIndexOf('/') + 1);
      const kind = name === 'dash' ? 'dash' : name === 'bash' ? 'bash' : name === 'busybox' ? 'busybox' : undefined;
      if (kind) { sh = { kind, why: `${what}: /bin/sh is ${target ?? p}` }; break; }
      if (!target) { sh = { kind: 'unknown', why: `${what}: /bin/sh is a program lint does not know` }; break; }
      p = target.startsWith('/') ? target : `/bin/${target}`;
    }
    const ep = img.Config.Entrypoint ?? undefined;
    const argv0 = (ep?.length ? ep : img.Config.Cmd ?? [])[0];
    // read the entrypoint script now (the container goes away after this function)
    const scripts = new Map<string, ScriptSource>();
    const candidates = (p: string) => (p.includes('/') ? [p.startsWith('/') ? p : `${img.Config.WorkingDir || '/'}/${p}`] : PATH_DIRS.map((d) => `${d}/${p}`));
    const load = async (p: string) => {
      for (const cand of candidates(p)) {
        const t = await read(cand);
        if (t !== undefined && t.startsWith('#!') && t.length < 1_000_000) { scripts.set(p, { path: `${what}:${cand}`, text: t, at }); return; }
      }
    };
    if (argv0) await load(argv0);
    const args = [...(ep ?? []), ...(img.Config.Cmd ?? [])];
    for (const a of args.slice(1, 4)) if (!a.startsWith('-') && /^[\w./-]+$/.test(a) && !scripts.has(a)) await load(a);
    return {
      what, at, shellArgv: ['/bin/sh', '-c'], initInstalled, sh,
      entrypoint: ep?.length ? { argv: ep, at } : undefined,
      cmd: img.Config.Cmd?.length ? { argv: img.Config.Cmd, at } : undefined,
      stopSignal: img.Config.StopSignal ? { value: img.Config.StopSignal, at } : undefined,
      script: async (p) => scripts.get(p),
    };
  } finally {
    await engine.request('DELETE', `/containers/${c.Id}`, { query: { force: 1 } });
  }
}
