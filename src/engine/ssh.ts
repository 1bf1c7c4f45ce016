import { execFileSync } from 'node:child_process';
import { Agent as HttpAgent } from 'node:http';
import type { Duplex } from 'node:stream';
// the default import: the fast bundle loads ssh2 lazily behind a stand-in (scripts/bundle.mjs)
import ssh2 from 'ssh2';
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ZaError } from './errors.js';

/**
 * ssh:// endpoints go through docker-modem's ssh support (ssh2 and `docker system dial-stdio`
 * on the remote side). ssh2 reads no ssh config: OpenSSH's own `ssh -G` resolves it here (Host
 * blocks, HostName, User, Port, IdentityFile), the agent comes from SSH_AUTH_SOCK (or the
 * config's IdentityAgent), and the host key is checked against known_hosts with `ssh-keygen -F`,
 * as ssh would (unknown or changed keys are refused unless StrictHostKeyChecking is off).
 */
export interface SshConnectOptions {
  host: string;
  port: number;
  username: string;
  agent?: string;
  privateKey?: Buffer;
  readyTimeout: number;
  hostVerifier: (key: Buffer) => boolean;
  /** why the host key was refused, for the error message */
  refused?: string;
}

/** `ssh -G` output: lower-cased keys, several values for repeated keys. */
export function parseSshG(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const k = m[1].toLowerCase();
    out.set(k, [...(out.get(k) ?? []), m[2]]);
  }
  return out;
}

export function sshConnectOptions(target: string, env: NodeJS.ProcessEnv, timeoutMs: number): SshConnectOptions {
  const u = new URL(target);
  const home = env.HOME || homedir();
  const args = ['-G'];
  // ssh reads ~/.ssh/config from the passwd home; honour a HOME that differs (containers, tests)
  const pwHome = userInfo().homedir;
  if (home !== pwHome && existsSync(join(home, '.ssh', 'config'))) args.push('-F', join(home, '.ssh', 'config'));
  if (u.port) args.push('-p', u.port);
  if (u.username) args.push('-l', decodeURIComponent(u.username));
  args.push('--', u.hostname.replace(/^\[|\]$/g, ''));
  let cfg: Map<string, string[]>;
  try {
    cfg = parseSshG(execFileSync('ssh', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, HOME: home }, timeout: 5000 }));
  } catch (e) {
    throw new ZaError('USAGE', `cannot read the ssh configuration for ${target}: ${(e as Error).message.split('\n')[0]}`,
      'ssh:// endpoints need OpenSSH\'s client (`ssh`) installed; check `ssh -G <host>`');
  }
  const one = (k: string): string | undefined => cfg.get(k)?.[0];
  const tilde = (p: string): string => (p.startsWith('~/') ? join(home, p.slice(2)) : p.replace(new RegExp(`^${pwHome}/`), `${home}/`));
  const host = one('hostname') ?? u.hostname;
  const port = Number(one('port') ?? 22);
  const username = one('user') ?? userInfo().username;
  const agentCfg = one('identityagent');
  const agent = agentCfg && agentCfg !== 'none' && agentCfg !== 'SSH_AUTH_SOCK' ? tilde(agentCfg) : env.SSH_AUTH_SOCK || undefined;
  let privateKey: Buffer | undefined;
  for (const f of cfg.get('identityfile') ?? []) {
    const p = tilde(f);
    if (!existsSync(p)) continue;
    const data = readFileSync(p);
    if (/ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(data.toString('latin1', 0, 200)) && !agent) continue;
    privateKey = data;
    break;
  }
  const strict = (one('stricthostkeychecking') ?? 'ask').toLowerCase();
  const files = [...(cfg.get('userknownhostsfile') ?? []).flatMap((l) => l.split(/\s+/)).map(tilde), join(home, '.ssh', 'known_hosts'),
    ...(cfg.get('globalknownhostsfile') ?? []).flatMap((l) => l.split(/\s+/))];
  const alias = one('hostkeyalias') ?? host;
  const lookup = port === 22 ? alias : `[${alias}]:${port}`;
  const opts: SshConnectOptions = {
    host, port, username, agent, privateKey, readyTimeout: timeoutMs,
    hostVerifier: (key: Buffer): boolean => {
      if (strict === 'no' || strict === 'off') return true;
      const known = knownKeys(lookup, [...new Set(files)]);
      if (known.includes(key.toString('base64'))) return true;
      opts.refused = known.length
        ? `the host key of ${lookup} does not match known_hosts (changed key?)`
        : `${lookup} is not in known_hosts`;
      return false;
    },
  };
  return opts;
}

/** Base64 host keys recorded for `lookup` (hashed entries too, through ssh-keygen -F). */
function knownKeys(lookup: string, files: string[]): string[] {
  const keys: string[] = [];
  for (const f of files) {
    if (!existsSync(f)) continue;
    let out = '';
    try {
      out = execFileSync('ssh-keygen', ['-F', lookup, '-f', f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    } catch { continue; /* exit 1: not found */ }
    for (const line of out.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const parts = line.trim().split(/\s+/);
      const i = parts[0].startsWith('@') ? 2 : 1; // @cert-authority/@revoked markers
      if (parts[0] === '@revoked') continue;
      if (parts[i + 1]) keys.push(parts[i + 1]);
    }
  }
  return keys;
}

/**
 * An http.Agent over ONE ssh connection (ssh2): each HTTP connection is a `docker system
 * dial-stdio` channel on it, kept alive for the next request. docker-modem's own ssh agent opens
 * a new ssh connection, and runs a new remote command (through the user's login shell) per
 * request: 3-4 per audit. Here: one handshake, and usually one or two remote commands.
 */
export function sshAgent(o: SshConnectOptions): import('node:http').Agent {
  let conn: Promise<import('ssh2').Client> | undefined;
  const connect = (): Promise<import('ssh2').Client> => (conn ??= new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.once('ready', () => resolve(c));
    c.once('error', (e) => { conn = undefined; reject(e); });
    c.once('close', () => { conn = undefined; });
    c.connect({ host: o.host, port: o.port, username: o.username, agent: o.agent, privateKey: o.privateKey, readyTimeout: o.readyTimeout, hostVerifier: o.hostVerifier });
  }));
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
  type Cb = (err: Error | null, socket?: Duplex) => void;
  (agent as unknown as { createConnection: (opts: unknown, cb: Cb) => undefined }).createConnection = (_opts, cb) => {
    connect().then((c) => c.exec('docker system dial-stdio', (err, stream) => {
      if (err) return cb(err);
      // what http.Agent calls on a socket it keeps alive
      const s = stream as unknown as Record<string, unknown>;
      for (const m of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) if (typeof s[m] !== 'function') s[m] = () => stream;
      cb(null, stream);
    }), (e: Error) => cb(e));
    return undefined;
  };
  const destroy = agent.destroy.bind(agent);
  agent.destroy = () => { destroy(); void conn?.then((c) => c.end(), () => undefined); conn = undefined; };
  return agent;
}
