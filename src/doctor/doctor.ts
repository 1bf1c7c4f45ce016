import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { FlagSpec } from '../cli/audit-options.js';
import { parseDuration } from '../cli/options.js';
import { escapeText } from '../render/escape.js';
import type { IO } from '../cli/io.js';
import { Engine } from '../engine/client.js';
import { describeEndpoint, resolveEndpoint, type Endpoint } from '../engine/connection.js';
import { describeFound, discoverEngines, type FoundEngine } from '../engine/discover.js';
import { EXIT, ZaError } from '../engine/errors.js';
import { toJSON } from '../render/json.js';

/**
 * `zombie-audit doctor`: can this tool work here, and if not, what to do. One line per check:
 * ok, or a problem and its fix; --json; exit 1 on a problem.
 *
 * Checks run in order and each stands alone (one failing does not hide the others):
 *   engine      the resolved endpoint answers (version, API version)
 *   engines     which engines run on this host and where they listen (ps-list)
 *   socket      permissions on a unix socket (the docker group)
 *   cgroup      the cgroup version (v1/v2/hybrid)
 *   pid_max     kernel.pid_max
 *   helper      the helper image can be made (the no-shell and host-wide reads need it)
 * `doctor --clean` (removing stale leftovers: helper containers, sandboxes, old helper images)
 * belongs after the checks: see CLEAN_HOOK below.
 */
export const DOCTOR_FLAGS = {
  json: { type: 'boolean', description: 'print JSON (schema zombie-audit/doctor@1)' },
  host: { type: 'string', char: 'H', description: 'engine address (unix://, tcp://, ssh://); default: DOCKER_HOST, the docker context, /var/run/docker.sock' },
  timeout: { type: 'string', kind: 'duration', default: '5s', description: 'how long to wait for the engine on each request' },
  clean: { type: 'boolean', description: "also remove every leftover of this tool's runs (helpers, sandboxes, journal records: each by its owner label) and settle unfinished fixes" },
} as const satisfies Record<string, FlagSpec>;

export interface DoctorOptions {
  json: boolean;
  clean: boolean;
  host?: string;
  timeoutSeconds: number;
}

export function toDoctorOptions(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): DoctorOptions {
  const t = (flags.timeout as string | undefined) ?? (env.DOCKER_CLIENT_TIMEOUT || DOCTOR_FLAGS.timeout.default);
  return { json: !!flags.json, clean: !!flags.clean, host: (flags.host as string | undefined) || undefined, timeoutSeconds: parseDuration('timeout', t) / 1000 };
}

export interface Check {
  check: 'engine' | 'engines' | 'socket' | 'cgroup' | 'pid_max' | 'helper' | 'clean';
  status: 'ok' | 'problem' | 'skipped';
  text: string;
  fix?: string;
}

export interface DoctorReport {
  schema: 'zombie-audit/doctor@1';
  endpoint: { address: string; source: string };
  engine?: { version: string; apiVersion: string; os?: string; cgroupVersion?: string };
  engines: FoundEngine[];
  checks: Check[];
  problems: number;
}

/** Text from the host (process command lines) may hold anything: no control characters to the terminal. */
const clean = (s: string): string => s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export function cgroupVersion(root = '/sys/fs/cgroup'): 'v1' | 'v2' | 'hybrid' | 'unknown' {
  if (existsSync(`${root}/cgroup.controllers`)) return 'v2';
  if (existsSync(`${root}/unified/cgroup.controllers`)) return 'hybrid';
  if (existsSync(`${root}/pids`) || existsSync(`${root}/memory`)) return 'v1';
  return 'unknown';
}

function socketCheck(e: Endpoint): Check {
  if (e.kind !== 'unix') return { check: 'socket', status: 'skipped', text: `not a unix socket (${describeEndpoint(e)})` };
  const path = e.socketPath;
  if (!existsSync(path)) {
    return { check: 'socket', status: 'problem', text: `${path} does not exist`, fix: 'start the engine, or point --host / DOCKER_HOST at the socket it listens on (see engines)' };
  }
  const st = statSync(path);
  const mode = (st.mode & 0o777).toString(8);
  let group = String(st.gid);
  try {
    const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(st.gid));
    if (line) group = line.split(':')[0];
  } catch { /* gid then */ }
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return { check: 'socket', status: 'ok', text: `${path} is readable and writable by ${userInfo().username} (mode ${mode}, group ${group})` };
  } catch {
    return { check: 'socket', status: 'problem', text: `${userInfo().username} may not use ${path} (mode ${mode}, group ${group})`,
      fix: `add the user to the ${group} group: \`sudo usermod -aG ${group} ${userInfo().username}\`, then log in again (or run with sudo)` };
  }
}

function pidMaxCheck(): Check {
  let v = NaN;
  try { v = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim()); } catch { /* below */ }
  if (!Number.isFinite(v)) return { check: 'pid_max', status: 'skipped', text: 'kernel.pid_max is not readable here (not Linux?)' };
  if (v < 32768) {
    return { check: 'pid_max', status: 'problem', text: `kernel.pid_max is ${v}: zombies and forks exhaust it quickly for every container on this host`,
      fix: 'raise it: `sudo sysctl -w kernel.pid_max=4194304` (and in /etc/sysctl.d/ to keep it)' };
  }
  return { check: 'pid_max', status: 'ok', text: `kernel.pid_max is ${v} (host-wide: every container's pids and zombies count against it)` };
}

function enginesCheck(found: FoundEngine[], tried: string, answered: boolean): Check {
  if (found.length === 0) {
    return answered
      ? { check: 'engines', status: 'ok', text: `no engine process is visible here (the engine at ${tried} is elsewhere, or in another PID namespace)` }
      : { check: 'engines', status: 'problem', text: 'no dockerd, podman system service or containerd runs on this host', fix: 'start one: `sudo systemctl start docker` (or this project\'s scripts/engine-up.sh), or point --host at a remote engine' };
  }
  const parts = found.map((f) => {
    const what = f.kind === 'containerd' ? 'containerd (no dockerd in front: use --runtime containerd)' : f.kind === 'podman' ? 'podman system service' : f.kind === 'dockerd-rootless' ? 'rootless dockerd' : 'dockerd';
    return `${what} pid ${f.pid} at ${f.listens.join(', ')}`;
  });
  const text = clean(parts.join('; '));
  if (answered) return { check: 'engines', status: 'ok', text };
  const other = describeFound(found, tried);
  return { check: 'engines', status: 'problem', text: `the engine at ${tried} does not answer; ${text}`,
    fix: other ? `use one of them: --host ${found.filter((f) => f.kind !== 'containerd').map((f) => f.listens[0])[0] ?? found[0].listens[0]}${found.every((f) => f.kind === 'containerd') ? ' --runtime containerd' : ''}` : 'that engine is not answering: check its log (`journalctl -u docker`)' };
}

export async function doctor(opts: DoctorOptions, env: NodeJS.ProcessEnv): Promise<DoctorReport> {
  const endpoint = resolveEndpoint(opts.host, env);
  const engine = new Engine(endpoint, { timeoutMs: opts.timeoutSeconds * 1000, env });
  const checks: Check[] = [];
  const report: DoctorReport = { schema: 'zombie-audit/doctor@1', endpoint: { address: engine.describe(), source: endpoint.source }, engines: [], checks, problems: 0 };
  try {
    // 1. the engine
    let answered = false;
    try {
      const v = await engine.json<{ Version: string; ApiVersion: string; Os?: string }>('GET', '/version');
      const info = await engine.json<{ CgroupVersion?: string }>('GET', '/info').catch(() => undefined);
      report.engine = { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, cgroupVersion: info?.CgroupVersion };
      answered = true;
      checks.push({ check: 'engine', status: 'ok', text: `Docker-compatible engine ${v.Version} (API ${v.ApiVersion}) answers at ${engine.describe()} (${endpoint.source})` });
    } catch (e) {
      const z = e instanceof ZaError ? e : new ZaError('ENGINE_API', String(e));
      checks.push({ check: 'engine', status: 'problem', text: z.message, fix: z.hint ?? 'see the engines check' });
    }
    // 2. engines on this host
    try {
      report.engines = await discoverEngines();
      checks.push(enginesCheck(report.engines, engine.describe(), answered));
    } catch (e) {
      checks.push({ check: 'engines', status: 'skipped', text: `cannot read this host's processes: ${(e as Error).message.split('\n')[0]}` });
    }
    // 3. socket permissions
    checks.push(endpoint.kind === 'invalid' ? { check: 'socket', status: 'skipped', text: 'no usable engine address' } : socketCheck(endpoint));
    // 4. cgroup version (this host's, and the engine's own view when it answered)
    const cg = cgroupVersion();
    checks.push({ check: 'cgroup', status: 'ok', text: `cgroup ${cg} on this host${report.engine?.cgroupVersion ? `, the engine reports cgroup v${report.engine.cgroupVersion}` : ''} (both are read: the pids controller gives PID limits)` });
    // 5. kernel.pid_max
    checks.push(pidMaxCheck());
    // 6. the helper image
    if (!answered) {
      checks.push({ check: 'helper', status: 'skipped', text: 'needs an engine that answers' });
    } else {
      try {
        const { ensureHelperImage } = await import('../collect/helper.js');
        const ref = await ensureHelperImage(engine);
        checks.push({ check: 'helper', status: 'ok', text: `helper image ${ref} is ready (no-shell and host-wide reads)` });
      } catch (e) {
        const z = e instanceof ZaError ? e : new ZaError('ENGINE_API', String(e));
        checks.push({ check: 'helper', status: 'problem', text: `the helper image cannot be made: ${z.message}`, fix: z.hint ?? 'the engine must allow `docker import`; see its log' });
      }
    }
    // 7. --clean: every leftover of this tool's runs, by its owner label (src/fix/housekeeping.ts)
    if (opts.clean && answered) {
      const { sweep } = await import('../fix/housekeeping.js');
      const r = await sweep(engine, { all: true });
      for (const x of r.recovered) checks.push({ check: 'clean', status: 'ok', text: escapeText(x) });
      checks.push({ check: 'clean', status: r.failed.length ? 'problem' : 'ok', text: `removed ${r.removed.length} leftover container(s)${r.failed.length ? `; ${r.failed.length} could not be removed: ${r.failed.map((f) => escapeText(`${f.name || f.id.slice(0, 12)} (${f.error})`)).join(', ')}` : ''}`,
        fix: r.failed.length ? 'remove them with docker rm -f, or see the engine log' : undefined });
    }
  } finally {
    engine.close();
  }
  report.problems = checks.filter((c) => c.status === 'problem').length;
  return report;
}

export function renderDoctor(r: DoctorReport): string {
  const w = Math.max(...r.checks.map((c) => c.check.length));
  return r.checks.map((c) => {
    const head = `${c.status === 'ok' ? 'ok     ' : c.status === 'problem' ? 'PROBLEM' : 'skipped'}  ${c.check.padEnd(w)}  ${clean(c.text)}`;
    return c.fix ? `${head} -- fix: ${clean(c.fix)}` : head;
  }).join('\n') + '\n';
}

/** The command's body: exit 0 all ok, 1 a problem, 2 bad usage. */
export async function runDoctor(flags: Record<string, unknown>, io: IO): Promise<number> {
  const opts = toDoctorOptions(flags, io.env);
  const r = await doctor(opts, io.env);
  io.stdout.write(opts.json ? toJSON(r) : renderDoctor(r));
  return r.problems > 0 ? EXIT.FINDINGS : EXIT.OK;
}
