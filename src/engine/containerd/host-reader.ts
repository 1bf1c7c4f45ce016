import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../paths.js';
import { ZaError } from '../errors.js';

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
 * One `za-proc --host` pass over the host's /proc: its raw output (native/FORMAT.md: framed records, NSpid and pid-ns lines), one character per byte
 * (latin1), as every collector's. collect/node.ts parses it and cuts it per container.
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
    execFile(bin, ['--host'], { encoding: 'latin1', maxBuffer: 512 * 1024 * 1024, timeout: opts.timeoutMs ?? 30_000, signal: opts.signal },
      (err, stdout, stderr) => {
        if (err) reject(new ZaError('BAD_OUTPUT', `za-proc --host failed: ${(stderr || err.message).trim().slice(0, 300)}`));
        else resolve(stdout);
      });
  });
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
