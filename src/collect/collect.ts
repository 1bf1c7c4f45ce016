import { closeNames } from '../engine/names.js';
import type { ContainerInfo, Method } from '../analysis/audit.js';
import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { parseSnapshot, SnapshotParser, type Snapshot } from '../proc/snapshot.js';
import { runHelper } from './helper.js';
import { COLLECT_ARGV } from './script.js';

/** The parts of GET /containers/{id}/json the tool reads. */
export interface InspectJSON {
  Id: string;
  Name: string;
  Image: string;
  State: { Status: string; Running: boolean; Paused: boolean; Restarting: boolean; ExitCode: number; StartedAt?: string; FinishedAt?: string; Pid?: number };
  Config: {
    Image: string; StopSignal?: string; StopTimeout?: number; Entrypoint?: string[] | null; Cmd?: string[] | null;
    Labels?: Record<string, string> | null; Env?: string[] | null; User?: string; WorkingDir?: string; Tty?: boolean;
    OpenStdin?: boolean; Volumes?: Record<string, unknown> | null; Healthcheck?: unknown;
  };
  HostConfig: { PidsLimit?: number | null; Init?: boolean | null; PidMode?: string; ReadonlyRootfs?: boolean };
  Mounts?: Array<{ Type: string; Destination: string; Source?: string; Name?: string }>;
}

export function containerInfo(j: InspectJSON): ContainerInfo {
  return {
    id: j.Id, name: j.Name.replace(/^\//, ''), image: j.Config.Image,
    stopSignal: j.Config.StopSignal || undefined,
    stopTimeout: j.Config.StopTimeout ?? undefined,
    pidsLimit: j.HostConfig.PidsLimit ?? undefined,
    init: j.HostConfig.Init ?? undefined,
  };
}

/** Container names (and short ids) close to `ref`, for "did you mean". */
export async function suggestNames(engine: Engine, ref: string): Promise<string[]> {
  const list = await engine.json<Array<{ Id: string; Names: string[] }>>('GET', '/containers/json', { query: { all: 1 } });
  const names = list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')));
  return closeNames(ref, names);
}

/** A Docker container name or id has no "/" and is not empty: refuse anything else before any request is built from it. */
export function checkRef(ref: string): void {
  if (ref.trim() === '' || ref.includes('/')) {
    throw new ZaError('USAGE', `${JSON.stringify(ref)} is not a container name or id`, 'name a container as `docker ps -a` shows it (a name has no "/")');
  }
}

export async function inspect(engine: Engine, ref: string): Promise<InspectJSON> {
  checkRef(ref);
  try {
    return await engine.json<InspectJSON>('GET', `/containers/${encodeURIComponent(ref)}/json`);
  } catch (e) {
    if (e instanceof ZaError && e.code === 'NOT_FOUND') {
      const near = await suggestNames(engine, ref).catch(() => []);
      throw new ZaError('NOT_FOUND', `no container named or with id "${ref}"`,
        near.length ? `did you mean: ${near.join(', ')}?` : 'list containers with `docker ps -a`');
    }
    throw e;
  }
}

function stateError(j: InspectJSON): ZaError | undefined {
  const name = j.Name.replace(/^\//, '');
  if (j.State.Paused) return new ZaError('PAUSED', `container ${name} is paused`, 'unpause it (`docker unpause`) to audit it: a paused container runs nothing');
  if (!j.State.Running || j.State.Restarting) {
    return new ZaError('NOT_RUNNING', `container ${name} is not running (${j.State.Status}${j.State.Status === 'exited' ? `, exit code ${j.State.ExitCode}` : ''})`,
      j.State.ExitCode === 137 ? 'exit 137 is SIGKILL: often docker stop after a dropped SIGTERM; lint its image: `zombie-audit lint --image ' + j.Config.Image + '`'
        : 'start it to audit it, or lint its image before deploy: `zombie-audit lint --image ' + j.Config.Image + '`');
  }
  return undefined;
}

const NO_SHELL = /exec failed|no such file or directory|executable file not found|permission denied/i;

export interface Collected {
  snapshot: Snapshot;
  method: Method;
  inspect: InspectJSON;
}

/**
 * Read a container's processes. `exec` runs the collector script in one exec (inspect in
 * parallel); where the image has no /bin/sh (or `method` is helper) a helper container joins
 * the container's PID namespace instead.
 */
export async function collect(engine: Engine, ref: string, method: 'auto' | 'exec' | 'helper' = 'auto'): Promise<Collected> {
  try {
    return await collectOnce(engine, ref, method);
  } catch (e) {
    // a read cut short while the container still runs (a process table changing fast as an
    // app starts its workers): read once more before saying so
    if (e instanceof ZaError && e.code === 'BAD_OUTPUT' && e.message === CUT_SHORT) return collectOnce(engine, ref, method);
    throw e;
  }
}

const CUT_SHORT = 'the snapshot was cut short';

async function collectOnce(engine: Engine, ref: string, method: 'auto' | 'exec' | 'helper'): Promise<Collected> {
  checkRef(ref);
  const inspectP = inspect(engine, ref);
  if (method === 'helper') {
    const j = await inspectP;
    const err = stateError(j);
    if (err) throw err;
    return viaHelper(engine, j);
  }
  // the output is parsed as it streams in: the collector's own pid (X) is known from its first
  // lines, so a collector that times out is killed inside the container, not left running
  const parser = new SnapshotParser();
  let parsed: Snapshot | undefined;
  let parseError: Error | undefined;
  let collectorPid: number | undefined;
  const onStdout = (text: string): void => {
    if (parseError || parsed) return;
    try {
      const done = parser.feed(text);
      if (done.length) parsed = done[0];
      collectorPid ??= parser.selfPid;
    } catch (e) { parseError = e as Error; }
  };
  const execP = engine.exec(ref, COLLECT_ARGV, { onStdout });
  const [ins, ex] = await Promise.allSettled([inspectP, execP]);
  if (ins.status === 'rejected') {
    if (ex.status === 'rejected' && ex.reason instanceof ZaError && ex.reason.code === 'ENGINE_TIMEOUT') {
      const killed = await killCollector(engine, ref, collectorPid);
      throw new ZaError('ENGINE_TIMEOUT', `${ex.reason.message}; ${killed}`, ex.reason.hint);
    }
    throw ins.reason;
  }
  const j = ins.value;
  const err = stateError(j);
  if (err) throw err;
  if (ex.status === 'rejected') {
    const e = ex.reason;
    if (e instanceof ZaError && (e.code === 'NOT_RUNNING' || e.code === 'PAUSED')) throw await exitedDuring(engine, ref, e);
    if (e instanceof ZaError && e.code === 'ENGINE_TIMEOUT') {
      const killed = await killCollector(engine, ref, collectorPid);
      throw new ZaError('ENGINE_TIMEOUT', `${e.message}; ${killed}`, e.hint);
    }
    throw e;
  }
  const out = ex.value.stdout;
  if (!out.startsWith('ZA2 ')) {
    const text = (out + ex.value.stderr).trim();
    if (NO_SHELL.test(text)) {
      if (method === 'exec') throw new ZaError('NO_SHELL', `container ${j.Name.replace(/^\//, '')} has no usable /bin/sh: ${text.slice(0, 200)}`, 'drop --method exec: the helper way needs no shell');
      return viaHelper(engine, j);
    }
    throw new ZaError('BAD_OUTPUT', `the collector printed no snapshot: ${text.slice(0, 300) || '(nothing)'}`);
  }
  if (parseError) throw new ZaError('BAD_OUTPUT', `the collector's output does not parse: ${parseError.message}`);
  const snapshot = parsed ?? parser.end() ?? parseSnapshot(out);
  if (!snapshot.complete) throw await exitedDuring(engine, ref, new ZaError('BAD_OUTPUT', CUT_SHORT));
  if (!snapshot.procs.has(1)) throw new ZaError('BAD_OUTPUT', 'the snapshot has no PID 1 (is /proc mounted in the container?)');
  return { snapshot, method: 'exec', inspect: j };
}

/**
 * Kill a collector whose exec timed out, inside the container (an abandoned exec keeps running
 * there: seen burning CPU minutes later). Its pid is the one it printed first (X); the kill is one
 * more exec with an argv array. Returns what was done, for the error message.
 */
async function killCollector(engine: Engine, ref: string, pid: number | undefined): Promise<string> {
  if (pid === undefined || !Number.isInteger(pid) || pid < 2) return 'the collector had not started: nothing left running';
  try {
    await engine.exec(ref, ['/bin/sh', '-c', 'kill -9 "$1" 2>/dev/null; exit 0', 'za-kill', String(pid)], { timeoutMs: 10_000 });
    return `the collector (pid ${pid} in the container) was killed`;
  } catch (e) {
    return `the collector (pid ${pid} in the container) could not be killed: ${(e as Error).message}`;
  }
}

async function exitedDuring(engine: Engine, ref: string, fallback: ZaError): Promise<ZaError> {
  const again = await engine.json<InspectJSON>('GET', `/containers/${encodeURIComponent(ref)}/json`).catch(() => undefined);
  if (!again) return new ZaError('EXITED_DURING_AUDIT', `container ${ref} went away during the audit`);
  if (!again.State.Running) {
    return new ZaError('EXITED_DURING_AUDIT', `container ${ref} stopped during the audit (${again.State.Status}, exit code ${again.State.ExitCode})`);
  }
  return fallback;
}

async function viaHelper(engine: Engine, j: InspectJSON): Promise<Collected> {
  const out = await runHelper(engine, `container:${j.Id}`);
  const snapshot = parseSnapshot(out);
  if (!snapshot.complete || !snapshot.procs.has(1)) throw new ZaError('BAD_OUTPUT', 'the helper printed an incomplete snapshot');
  return { snapshot, method: 'helper', inspect: j };
}
