import { onCleanup } from '../cleanup.js';
import type { Engine } from '../engine/client.js';
import { frameReader } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { ownerLabels } from '../engine/owner.js';
import { SnapshotParser, type Snapshot } from '../proc/snapshot.js';
import { ensureHelperImage, HELPER_LABEL } from './helper.js';

export interface SnapshotStream {
  /** the next snapshot; rejects when the stream ended (the container stopped, or close()) */
  next(): Promise<Snapshot>;
  close(): Promise<void>;
}

/**
 * One helper container in the target's PID namespace (or, with `host`, the host's: every
 * container at once, as `audit --all` reads them) printing a snapshot every `intervalMs`
 * (za-proc --every), read through the attach API with logging off: nothing is written to disk,
 * and a sample costs the C read of /proc and no engine call. The helper ends with the target's
 * namespace, on close() (also on Ctrl-C), or when this CLI dies (its stdin lease closes).
 */
export async function openSnapshotStream(engine: Engine, containerId: string, intervalMs: number, opts: { host?: boolean } = {}): Promise<SnapshotStream> {
  const image = await ensureHelperImage(engine);
  const created = await engine.json<{ Id: string }>('POST', '/containers/create', {
    body: {
      Image: image, Cmd: ['/za-proc', ...(opts.host ? ['--host'] : []), '--every', String(Math.max(50, Math.round(intervalMs))), '--stdin-lease'], User: '0', NetworkDisabled: true,
      // the lease: stdin is this CLI's attach stream; the engine closes it when the CLI goes
      // (SIGKILL included) and za-proc exits; the owner label lets the next run remove it
      AttachStdin: true, OpenStdin: true, StdinOnce: true,
      AttachStdout: true, AttachStderr: true, Labels: { [HELPER_LABEL]: '1', ...ownerLabels('watch', 7 * 24 * 3600) },
      HostConfig: { PidMode: opts.host ? 'host' : `container:${containerId}`, NetworkMode: 'none', ReadonlyRootfs: true, AutoRemove: false,
        SecurityOpt: ['no-new-privileges'], LogConfig: { Type: 'none', Config: {} } },
    },
  });
  const id = created.Id;
  let closed = false;
  const remove = async (): Promise<void> => {
    closed = true;
    await engine.request('DELETE', `/containers/${id}`, { query: { force: 1, v: 1 }, timeoutMs: 10_000 }).catch(() => undefined);
  };
  const undo = onCleanup(remove);
  const ready: Snapshot[] = [];
  const waiting: Array<{ resolve: (s: Snapshot) => void; reject: (e: Error) => void }> = [];
  let ended: Error | undefined;
  const parser = new SnapshotParser();
  let broken = false;
  const push = (s: Snapshot): void => {
    const w = waiting.shift();
    if (w) w.resolve(s); else { ready.push(s); if (ready.length > 2) ready.shift(); } // keep only the freshest
  };
  const end = (e: Error): void => {
    ended = e;
    for (const w of waiting.splice(0)) w.reject(e);
  };
  // framed records, parsed as they stream: a process's name or argv cannot end a snapshot early
  const onStdout = (text: string): void => {
    if (broken) return;
    try {
      for (const s of parser.feed(text)) push(s);
    } catch (e) {
      broken = true;
      end(new ZaError('BAD_OUTPUT', `the watch helper's output does not parse: ${(e as Error).message}`));
      void remove();
    }
  };
  // attach before start, so no output is missed; the request lasts as long as the helper
  engine.request('POST', `/containers/${id}/attach`, { query: { stream: 1, stdin: 1, stdout: 1, stderr: 1 }, timeoutMs: 7 * 24 * 3600 * 1000, onData: frameReader(onStdout) })
    .then(() => end(new ZaError('EXITED_DURING_AUDIT', 'the watched container stopped')), (e: Error) => end(e));
  await new Promise((r) => setTimeout(r, 50));
  const started = await engine.request('POST', `/containers/${id}/start`);
  if (started.status >= 300) {
    await remove();
    undo();
    throw new ZaError('ENGINE_API', `the watch helper did not start: ${started.body.toString('utf8').slice(0, 200)}`);
  }
  return {
    next: () => {
      const s = ready.shift();
      if (s) return Promise.resolve(s);
      if (ended || closed) return Promise.reject(ended ?? new Error('closed'));
      return new Promise<Snapshot>((resolve, reject) => waiting.push({ resolve, reject }));
    },
    close: async () => { undo(); await remove(); },
  };
}
