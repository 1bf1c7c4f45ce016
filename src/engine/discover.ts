import { readFileSync } from 'node:fs';

/**
 * Which container engines run on this host and where they listen, read from the host's
 * processes (ps-list): dockerd and its -H addresses (rootless dockerd: its socket under the
 * user's runtime dir), `podman system service`, and a containerd that no dockerd started (a
 * Kubernetes node: that one is for `--runtime containerd`). Used by `zombie-audit doctor` and
 * for the hint when the engine does not answer.
 */
export interface FoundEngine {
  kind: 'dockerd' | 'dockerd-rootless' | 'podman' | 'containerd';
  pid: number;
  uid?: number;
  /** addresses to pass to --host / DOCKER_HOST (containerd: its gRPC socket) */
  listens: string[];
  /** the process's command line (as ps shows it) */
  cmd: string;
}

export interface ProcLine {
  pid: number;
  ppid: number;
  name: string;
  cmd?: string;
  uid?: number;
}

/** The values of a flag in an argv: `-H x`, `-H=x`, `-Hx` (short), `--host x`, `--host=x`. */
export function flagValues(argv: string[], long: string, short?: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${long}` || (short && a === `-${short}`)) { if (argv[i + 1] !== undefined) out.push(argv[++i]); } else if (a.startsWith(`--${long}=`)) out.push(a.slice(long.length + 3));
    else if (short && a.startsWith(`-${short}`) && !a.startsWith('--')) out.push(a.slice(2).replace(/^=/, ''));
  }
  return out;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return undefined; }
}

/** A containerd config's [grpc] address, if it sets one. */
function containerdAddress(config: string | undefined): string | undefined {
  if (!config) return undefined;
  let text = '';
  try { text = readFileSync(config, 'utf8'); } catch { return undefined; }
  const grpc = /^\[grpc\]\s*$([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(text);
  const m = grpc && /^\s*address\s*=\s*"([^"]+)"/m.exec(grpc[1]);
  return m?.[1];
}

/** Classify processes (pure: tested on real `ps` lines). */
export function classify(procs: ProcLine[]): FoundEngine[] {
  const found: FoundEngine[] = [];
  const dockerdPids = new Set<number>();
  for (const p of procs) {
    const argv = (p.cmd ?? p.name).trim().split(/\s+/);
    const bin = argv[0].split('/').pop() ?? '';
    // by argv[0], not the comm name: dockerd's re-exec helpers (libnetwork-setkey, set-ipv6) are "dockerd" too
    if (bin === 'dockerd') {
      dockerdPids.add(p.pid);
      const rootless = (p.uid !== undefined && p.uid !== 0) || argv.includes('--rootless');
      let hosts = flagValues(argv, 'host', 'H');
      if (hosts.length === 0) {
        const cfg = readJson(flagValues(argv, 'config-file')[0] ?? (rootless ? '' : '/etc/docker/daemon.json'));
        if (Array.isArray(cfg?.hosts)) hosts = cfg.hosts as string[];
      }
      if (hosts.length === 0) hosts = [rootless ? `unix:///run/user/${p.uid ?? 1000}/docker.sock` : 'unix:///var/run/docker.sock'];
      // fd:// is systemd's socket activation: docker.socket, the default path
      const listens = hosts.map((h) => (h.startsWith('fd://') ? 'unix:///var/run/docker.sock' : h.startsWith('/') ? `unix://${h}` : h));
      found.push({ kind: rootless ? 'dockerd-rootless' : 'dockerd', pid: p.pid, uid: p.uid, listens, cmd: p.cmd ?? p.name });
    } else if (bin === 'podman' && argv.includes('system') && argv.includes('service')) {
      const uri = argv.slice(argv.indexOf('service') + 1).find((a) => /^(unix|tcp):\/\//.test(a));
      const listens = [uri ?? (p.uid === 0 || p.uid === undefined ? 'unix:///run/podman/podman.sock' : `unix:///run/user/${p.uid}/podman/podman.sock`)];
      found.push({ kind: 'podman', pid: p.pid, uid: p.uid, listens, cmd: p.cmd ?? p.name });
    }
  }
  for (const p of procs) {
    const argv = (p.cmd ?? p.name).trim().split(/\s+/);
    const bin = argv[0].split('/').pop() ?? '';
    if (bin !== 'containerd') continue;
    const config = flagValues(argv, 'config', 'c')[0];
    // dockerd's own containerd: started by it, or with the config dockerd writes
    if (dockerdPids.has(p.ppid) || (config && /\/docker\/containerd\/containerd\.toml$/.test(config))) continue;
    const address = flagValues(argv, 'address', 'a')[0] ?? containerdAddress(config ?? '/etc/containerd/config.toml') ?? '/run/containerd/containerd.sock';
    found.push({ kind: 'containerd', pid: p.pid, uid: p.uid, listens: [`unix://${address.replace(/^unix:\/\//, '')}`], cmd: p.cmd ?? p.name });
  }
  return found;
}

/** The engines running on this host (ps-list reads the process table; needs procps' ps). */
export async function discoverEngines(): Promise<FoundEngine[]> {
  const { default: psList } = await import('ps-list');
  return classify(await psList({ all: true }));
}

/** One line on what runs here, for an "engine does not answer" hint. */
export function describeFound(found: FoundEngine[], tried: string): string | undefined {
  const other = found.filter((f) => !f.listens.includes(tried));
  if (other.length === 0) return undefined;
  const parts = other.map((f) => (f.kind === 'containerd'
    ? `containerd alone at ${f.listens[0]} (use --runtime containerd)`
    : `${f.kind === 'podman' ? 'podman system service' : f.kind} at ${f.listens.join(', ')}`));
  return parts.join('; ');
}
