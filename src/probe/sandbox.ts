import { randomBytes } from 'node:crypto';
import { onCleanup } from '../cleanup.js';
import type { InspectJSON } from '../collect/collect.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { ownerLabels } from '../engine/owner.js';

export const PROBE_LABEL = 'zombie-audit.probe';

export interface Sandbox {
  id: string;
  name: string;
  /** the original's mounts, each replaced by an empty tmpfs */
  replacedMounts: string[];
  remove(): Promise<void>;
}

/**
 * A sandbox copy of a container, for testing its shutdown without touching it: the same image
 * (by id), entrypoint, command, environment, user, working directory, stop signal, stop timeout,
 * TTY and --init; network none, no published ports, and every volume or bind mount replaced by
 * an empty tmpfs, so no data is shared with the original. Removed on remove(), and on Ctrl-C.
 */
export async function createSandbox(engine: Engine, j: InspectJSON): Promise<Sandbox> {
  const short = j.Id.slice(0, 12);
  const name = `zombie-audit-probe-${short}-${randomBytes(3).toString('hex')}`;
  const mounts = (j.Mounts ?? []).map((m) => m.Destination);
  const imageVolumes = Object.keys(j.Config.Volumes ?? {}).filter((v) => !mounts.includes(v));
  const created = await engine.json<{ Id: string }>('POST', '/containers/create', {
    query: { name },
    body: {
      Image: j.Image, Entrypoint: j.Config.Entrypoint ?? undefined, Cmd: j.Config.Cmd ?? undefined,
      Env: j.Config.Env ?? undefined, User: j.Config.User || undefined, WorkingDir: j.Config.WorkingDir || undefined,
      StopSignal: j.Config.StopSignal || undefined, StopTimeout: j.Config.StopTimeout ?? undefined,
      Tty: j.Config.Tty ?? false, OpenStdin: j.Config.OpenStdin ?? false, NetworkDisabled: true,
      Labels: { [PROBE_LABEL]: '1', [`${PROBE_LABEL}.of`]: j.Id, ...ownerLabels('sandbox', 3600) },
      HostConfig: {
        NetworkMode: 'none', Init: j.HostConfig.Init ?? undefined, AutoRemove: false,
        Tmpfs: Object.fromEntries([...mounts, ...imageVolumes].map((d) => [d, 'rw'])),
        LogConfig: { Type: 'json-file', Config: {} },
      },
    },
  });
  const id = created.Id;
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    await engine.request('DELETE', `/containers/${id}`, { query: { force: 1, v: 1 }, timeoutMs: 30_000 });
  };
  const undo = onCleanup(remove);
  return { id, name, replacedMounts: [...mounts, ...imageVolumes], remove: async () => { undo(); await remove(); } };
}

export async function startSandbox(engine: Engine, sb: Sandbox, settleMs: number): Promise<InspectJSON> {
  const res = await engine.request('POST', `/containers/${sb.id}/start`);
  if (res.status >= 300) {
    throw new ZaError('ENGINE_API', `the sandbox copy did not start: ${res.body.toString('utf8').slice(0, 300)}`);
  }
  await new Promise((r) => setTimeout(r, settleMs));
  const j = await engine.json<InspectJSON>('GET', `/containers/${sb.id}/json`);
  if (!j.State.Running) {
    const logs = await engine.request('GET', `/containers/${sb.id}/logs`, { query: { stdout: 1, stderr: 1, tail: 5 } });
    const { demux } = await import('../engine/client.js');
    const out = demux(logs.body);
    throw new ZaError('NOT_RUNNING', `the sandbox copy exited within ${settleMs / 1000} s (exit code ${j.State.ExitCode}): the app may need its network or its volumes` +
      (out.stdout + out.stderr ? `; its last output: ${(out.stdout + out.stderr).trim().split('\n').slice(-3).join(' | ')}` : ''));
  }
  return j;
}
