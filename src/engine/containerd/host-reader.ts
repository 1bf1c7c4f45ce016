import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../paths.js';
import { ZaError } from '../errors.js';
import { narrowToContainer, type NarrowResult } from './narrow.js';

/**
 * The node side of a containerd audit: the project's static /proc reader (native/za-proc.c)
 * run right here, in the host's PID namespace, as root (on the node, or in a hostPID pod).
 * No exec into the container, no helper container: shell-less images included, nothing written.
 */

export function zaProcArch(arch = process.arch): string {
  return arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : arch;
}

export function zaProcPath(): string {
  return join(packageRoot(), 'native', 'bin', `za-proc-${zaProcArch()}`);
}

/**
 * One `za-proc --host` pass over the host's /proc: raw ZA1 text with NSpid and pid-ns lines.
 * A process that exits during the scan can fail za-proc's readdir (issue 10's errno bug):
 * such a read is retried, four times at most.
 */
export async function readHost(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readHostOnce(opts);
    } catch (e) {
      if (attempt >= 5 || !(e instanceof ZaError && /readdir/.test(e.message)) || opts.signal?.aborted) throw e;
    }
  }
}

function readHostOnce(opts: { signal?: AbortSignal; timeoutMs?: number }): Promise<string> {
  const bin = zaProcPath();
  if (!existsSync(bin)) {
    return Promise.reject(new ZaError('NO_SHELL', `the /proc reader za-proc for ${zaProcArch()} is missing (${bin})`,
      'build it with `npm run build:native` (needs musl-tools or gcc)'));
  }
  return new Promise((resolve, reject) => {
    execFile(bin, ['--host'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: opts.timeoutMs ?? 30_000, signal: opts.signal },
      (err, stdout, stderr) => {
        if (err) reject(new ZaError('BAD_OUTPUT', `za-proc --host failed: ${(stderr || err.message).trim().slice(0, 300)}`));
        else resolve(stdout);
      });
  });
}

/**
 * The pids cgroup of a host process as a ZA1 `L` line (pids.max, pids.current, v1|v2), read on
 * the host: the container's own limit, which a reader inside could not see either.
 */
export function pidsLine(hostPid: number, root = '/sys/fs/cgroup', proc = '/proc'): string | undefined {
  let cg: string;
  try { cg = readFileSync(`${proc}/${hostPid}/cgroup`, 'utf8'); } catch { return undefined; }
  const lines = cg.split('\n');
  const v1 = lines.map((l) => l.split(':')).find((f) => f.length >= 3 && f[1].split(',').includes('pids'));
  const v2 = lines.map((l) => l.split(':')).find((f) => f.length >= 3 && f[0] === '0' && f[1] === '');
  const tries: Array<[string, 'v1' | 'v2']> = [];
  if (v1) tries.push([join(root, 'pids', v1.slice(2).join(':')), 'v1']);
  if (v2 && existsSync(join(root, 'cgroup.controllers'))) tries.push([join(root, v2.slice(2).join(':')), 'v2']);
  for (const [dir, v] of tries) {
    try {
      const max = readFileSync(join(dir, 'pids.max'), 'utf8').trim();
      const current = readFileSync(join(dir, 'pids.current'), 'utf8').trim();
      if (/^(max|\d+)$/.test(max) && /^\d+$/.test(current)) return `L ${max} ${current} ${v}`;
    } catch { /* not this one */ }
  }
  return undefined;
}

/** Cut one container out of a host read; a clear error when it cannot be. */
export function containerText(host: string, hostPid: number, name: string): NarrowResult {
  const extra = pidsLine(hostPid);
  const r = narrowToContainer(host, hostPid, extra ? [extra] : []);
  if (r === 'no-init') {
    return fail('EXITED_DURING_AUDIT', `the task of ${name} (host pid ${hostPid}) is not in this host's /proc: it exited, or zombie-audit runs outside the host's PID namespace`,
      'run zombie-audit on the node itself, or in a pod with hostPID: true');
  }
  if (r === 'no-namespace') {
    return fail('ENGINE_PERMISSION', `cannot read the PID namespace of ${name}'s task (host pid ${hostPid}): reading another process's namespace needs root`,
      'run as root on the node (or with CAP_SYS_PTRACE in a hostPID pod)');
  }
  if (r === 'not-pid1') {
    return fail('BAD_OUTPUT', `the PID namespace of ${name}'s task (host pid ${hostPid}) has no PID 1 in sight`,
      'run zombie-audit on the node itself, in the host\'s PID namespace');
  }
  return r;
}

function fail(code: ConstructorParameters<typeof ZaError>[0], msg: string, hint: string): never {
  throw new ZaError(code, msg, hint);
}

/**
 * Make one orphan in the PID namespace of a task and watch whether its PID 1 reaps it: the
 * project's `za-proc --orphan MS` run in the task's PID and mount namespaces by nsenter (argv
 * only). The binary is handed over as an open file (fd 3, run as /proc/self/fd/3), so it need
 * not exist in the image: shell-less images included. Returns its raw output (the orphan
 * probe's lines, parsed by probe/orphan.ts). The orphan is the probe's grandchild; where PID 1
 * never reaps, it stays a zombie until the container restarts.
 */
export async function orphanInNamespace(hostPid: number, timeoutMs: number): Promise<string> {
  const bin = zaProcPath();
  if (!existsSync(bin)) throw new ZaError('NO_SHELL', `the /proc reader za-proc for ${zaProcArch()} is missing (${bin})`, 'build it with `npm run build:native`');
  const { spawn } = await import('node:child_process');
  const { openSync, closeSync } = await import('node:fs');
  const fd = openSync(bin, 'r');
  try {
    return await new Promise<string>((resolve, reject) => {
      const child = spawn('nsenter', [`--target=${hostPid}`, '--pid', '--mount', '--', '/proc/self/fd/3', '--orphan', String(Math.round(timeoutMs))],
        { stdio: ['ignore', 'pipe', 'pipe', fd], timeout: timeoutMs + 30_000 });
      let out = '';
      let err = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
      child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT'
        ? new ZaError('NO_SHELL', 'nsenter is missing on this node', 'install util-linux (it ships nsenter)')
        : new ZaError('BAD_OUTPUT', `nsenter failed: ${e.message}`)));
      child.on('close', (code) => {
        if (code === 0 && /^O /m.test(out)) resolve(out);
        else if (/Operation not permitted|Permission denied/i.test(err)) {
          reject(new ZaError('ENGINE_PERMISSION', `cannot enter the namespaces of pid ${hostPid}: ${err.trim().slice(0, 200)}`, 'the orphan probe needs root with CAP_SYS_ADMIN on the node (nsenter)'));
        } else reject(new ZaError('BAD_OUTPUT', `the orphan probe failed (exit ${code}): ${(err || out).trim().slice(0, 200) || '(nothing)'}`));
      });
    });
  } finally {
    closeSync(fd);
  }
}
