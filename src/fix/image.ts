import { readFileSync } from 'node:fs';
import { dockerArch, nativeBinary } from '../collect/helper.js';
import type { InspectJSON } from '../collect/collect.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { tarOfOne } from '../engine/tar.js';

export const SHIM_PATH = '/za-shim';
export const FIXED_LABEL = 'zombie-audit.fixed-from';

export interface ImageInspect {
  Id: string;
  Architecture?: string;
  RepoTags?: string[] | null;
  Config: InspectJSON['Config'];
}

/** The bundled shim for an image architecture (amd64, arm64). */
export function shimFor(arch: string): Buffer {
  const a = dockerArch(arch);
  try {
    return readFileSync(nativeBinary('za-shim', a));
  } catch {
    throw new ZaError('USAGE', `no bundled za-shim for ${a}`, 'build it with `npm run build:native` (the arm64 one needs gcc-aarch64-linux-gnu and musl-dev:arm64)');
  }
}

/** The entrypoint with the shim in front: [shim, "--", original entrypoint...]. */
export function wrappedEntrypoint(entrypoint: string[] | null | undefined, shimArgs: string[] = []): string[] {
  return [SHIM_PATH, ...shimArgs, '--', ...(entrypoint ?? [])];
}


export interface FixedImage {
  id: string;
  ref: string;
  entrypoint: string[];
  arch: string;
  /** the original container's writable-layer changes were committed into it */
  committedChanges: boolean;
}

/**
 * Build the fixed image with no registry: a temporary container from the original image (or,
 * with `fromContainer`, a commit of the container itself, changes included), the shim copied in
 * at /za-shim, and a commit whose config is the container's (command, env, user, workdir, stop
 * signal, labels, healthcheck) with the entrypoint wrapped. The temporary container is removed.
 */
export async function buildFixedImage(engine: Engine, c: InspectJSON, o: { ref: string; shimArgs: string[]; commitChanges: boolean; name?: string }): Promise<FixedImage> {
  const image = await engine.json<ImageInspect>('GET', `/images/${encodeURIComponent(c.Image)}/json`);
  const arch = dockerArch(image.Architecture ?? 'amd64');
  const shim = shimFor(arch);
  let base = c.Image;
  if (o.commitChanges) {
    const committed = await engine.json<{ Id: string }>('POST', '/commit', { query: { container: c.Id, pause: true } });
    base = committed.Id;
  }
  // No label on the build container: a commit merges the container's labels into the image,
  // and so into every container made from it (zombie-audit.tmp=1 once reached users' services).
  // It is found by its name, which the journal records before it is made.
  const tmp = await engine.json<{ Id: string }>('POST', '/containers/create', {
    query: o.name ? { name: o.name } : undefined,
    body: { Image: base, Entrypoint: ['/za-shim'], Cmd: [], NetworkDisabled: true, HostConfig: { NetworkMode: 'none' } },
  });
  const remove = () => engine.request('DELETE', `/containers/${tmp.Id}`, { query: { force: 1, v: 1 } });
  try {
    const put = await engine.request('PUT', `/containers/${tmp.Id}/archive`, {
      query: { path: '/' }, raw: { data: await tarOfOne(SHIM_PATH.slice(1), shim), contentType: 'application/x-tar' },
    });
    if (put.status >= 300) throw new ZaError('ENGINE_API', `could not copy the shim into the image: ${put.body.toString('utf8').slice(0, 200)}`);
    const entrypoint = wrappedEntrypoint(c.Config.Entrypoint, o.shimArgs);
    const [repo, tag] = splitRef(o.ref);
    const cfg = c.Config;
    const committed = await engine.json<{ Id: string }>('POST', '/commit', {
      query: { container: tmp.Id, repo, tag, comment: `zombie-audit fix: ${SHIM_PATH} in front of the entrypoint` },
      body: {
        Entrypoint: entrypoint, Cmd: cfg.Cmd ?? undefined, Env: cfg.Env ?? undefined, User: cfg.User || undefined,
        WorkingDir: cfg.WorkingDir || undefined, StopSignal: cfg.StopSignal || undefined, StopTimeout: cfg.StopTimeout ?? undefined,
        Healthcheck: cfg.Healthcheck ?? undefined, Volumes: cfg.Volumes ?? undefined, ExposedPorts: (cfg as { ExposedPorts?: unknown }).ExposedPorts ?? undefined,
        Labels: { ...(cfg.Labels ?? {}), [FIXED_LABEL]: c.Image },
      },
    });
    return { id: committed.Id, ref: o.ref, entrypoint, arch, committedChanges: o.commitChanges };
  } finally {
    const r = await remove();
    if (r.status >= 300 && r.status !== 404) throw new ZaError('ENGINE_API', `could not remove the build container ${o.name ?? tmp.Id.slice(0, 12)}: ${r.body.toString('utf8').slice(0, 200)}`);
  }
}

export function splitRef(ref: string): [string, string] {
  const at = ref.lastIndexOf(':');
  if (at > ref.lastIndexOf('/')) return [ref.slice(0, at), ref.slice(at + 1)];
  return [ref, 'latest'];
}

/** The default name of the fixed image: <image repo>:<tag>-zombie-audit. */
export function defaultRef(imageRef: string): string {
  const clean = imageRef.startsWith('sha256:') ? `zombie-audit-fixed/${imageRef.slice(7, 19)}` : imageRef;
  const [repo, tag] = splitRef(clean);
  return `${repo}:${tag}-zombie-audit`;
}
