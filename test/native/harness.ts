import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { demux } from '../../src/engine/client.js';
import { dockerArch, nativeBinary } from '../../src/collect/helper.js';
import { engine, execText, RUN_LABEL, sleep, until } from '../helpers/engine.js';

/**
 * What the shim tests share: containers from zombie-audit-fixture/base with the shim's directory
 * mounted at /za and a directory of small scripts at /t, both read-only. ZA_SHIM=<path> runs the
 * tests against another build of the shim (how the "before" of each fix was shown).
 */
export const SHIM = process.env.ZA_SHIM ?? nativeBinary('za-shim', dockerArch(process.arch === 'x64' ? 'x86_64' : process.arch));
export const SHIM_IN = `/za/${basename(SHIM)}`;

/** The inits side by side: where each is in the fixture image. */
export const INIT_PATH: Record<string, string> = {
  'za-shim': SHIM_IN, tini: '/sbin/tini', 'dumb-init': '/usr/bin/dumb-init', catatonit: '/usr/bin/catatonit',
};
export const INITS = Object.keys(INIT_PATH);

/** Write the scripts (name -> text) into a fresh host directory; returns it (mounted at /t). */
export function scripts(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'za-shim-t-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), `#!/bin/sh\n${text}\n`, { mode: 0o755 });
  return dir;
}

export interface RunOptions { env?: string[]; workdir?: string; tty?: boolean; scriptsDir?: string; stopTimeout?: number }

/** Create and start a container whose entrypoint is `entry` and command `cmd`; returns its id. */
export async function run(label: string, entry: string[], cmd: string[], o: RunOptions = {}): Promise<string> {
  const binds = [`${dirname(SHIM)}:/za:ro`];
  if (o.scriptsDir) binds.push(`${o.scriptsDir}:/t:ro`);
  const created = await engine.json<{ Id: string }>('POST', '/containers/create', { body: {
    Image: 'zombie-audit-fixture/base', Entrypoint: entry, Cmd: cmd, Env: o.env, WorkingDir: o.workdir, Tty: o.tty ?? false,
    Labels: { [RUN_LABEL]: label }, StopTimeout: o.stopTimeout, NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none', Binds: binds } } });
  const res = await engine.request('POST', `/containers/${created.Id}/start`);
  if (res.status >= 300) throw new Error(`start: ${res.body}`);
  return created.Id;
}

/** The container's exit code, or null when it is still running after ms. */
export async function waitExit(id: string, ms = 20_000): Promise<number | null> {
  try {
    const r = await engine.json<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { timeoutMs: ms });
    return r.StatusCode;
  } catch {
    return null;
  }
}

export async function logs(id: string): Promise<string> {
  const r = await engine.request('GET', `/containers/${id}/logs`, { query: { stdout: 1, stderr: 1 } });
  const d = demux(r.body);
  return d.stdout + d.stderr;
}

/** With Tty the log stream is raw, not multiplexed. */
export async function rawLogs(id: string): Promise<string> {
  const r = await engine.request('GET', `/containers/${id}/logs`, { query: { stdout: 1, stderr: 1 } });
  return String(r.body);
}

export const kill = (id: string, sig: string) => engine.request('POST', `/containers/${id}/kill`, { query: { signal: sig } });
export const ready = (id: string, text: string, ms = 8000) => until(async () => (await logs(id)).includes(text), ms);
export async function running(id: string): Promise<boolean> {
  return (await engine.json<{ State: { Running: boolean } }>('GET', `/containers/${id}/json`)).State.Running;
}

export interface Proc { pid: number; ppid: number; pgrp: number; tpgid: number; name: string; state: string; args: string }

/** Every process in the container, from /proc/PID/stat and cmdline. */
export async function procs(id: string): Promise<Proc[]> {
  const out = await execText(id, ['sh', '-c', 'for p in /proc/[0-9]*; do read -r s < $p/stat 2>/dev/null || continue; a=$(tr "\\0\\n" "  " < $p/cmdline 2>/dev/null); echo "$s"; echo "@$a"; done']);
  const lines = out.split('\n');
  const list: Proc[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const l = lines[i];
    const close = l.lastIndexOf(')');
    const rest = l.slice(close + 2).split(' ');
    list.push({ pid: Number(l.slice(0, l.indexOf(' '))), name: l.slice(l.indexOf('(') + 1, close), state: rest[0], ppid: Number(rest[1]),
      pgrp: Number(rest[2]), tpgid: Number(rest[5]), args: lines[i + 1].slice(1).trim() });
  }
  return list;
}

/**
 * `docker run -it` under a real pseudo-terminal (python3's pty on the host, the engine's CLI):
 * wait for `waitFor` in the output, send `keys`, wait `settleMs`, return the whole output.
 */
let ptyQueue: Promise<unknown> = Promise.resolve();
export function ptyRun(label: string, dockerArgs: string[], waitFor: string, keys: string, settleMs: number): Promise<string> {
  // one at a time: several `docker run -it` at once on a loaded machine starve each other
  const next = ptyQueue.then(() => ptyRunNow(label, dockerArgs, waitFor, keys, settleMs));
  ptyQueue = next.catch(() => undefined);
  return next;
}

async function ptyRunNow(label: string, dockerArgs: string[], waitFor: string, keys: string, settleMs: number): Promise<string> {
  const argv = ['-c', 'import pty,sys; pty.spawn(sys.argv[1:])', 'docker', 'run', '--rm', '-it', '--network', 'none', '--label', `${RUN_LABEL}=${label}`,
    '-v', `${dirname(SHIM)}:/za:ro`, ...dockerArgs];
  const p = spawn('python3', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  p.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  try {
    const seen = await until(async () => out.includes(waitFor), 60_000);
    if (!seen) throw new Error(`never saw ${waitFor}: ${out}`);
    await sleep(300);
    p.stdin.write(keys);
    await sleep(settleMs);
    return out;
  } finally {
    p.kill('SIGKILL');
  }
}

/** The number of zombies in the container. */
export async function zombies(id: string): Promise<number> {
  return (await procs(id)).filter((p) => p.state === 'Z').length;
}
