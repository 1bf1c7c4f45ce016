import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ZaError } from './errors.js';

/** Where the engine listens, resolved like the docker CLI does (without the CLI). */
export type Endpoint =
  | { kind: 'unix'; socketPath: string; source: string }
  | { kind: 'tcp'; host: string; port: number; tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; verify: boolean }; source: string }
  | { kind: 'ssh'; target: string; source: string };

// node:crypto only for docker contexts (their folder is a sha256 of the name): loaded when needed
const require = createRequire(import.meta.url);

const DEFAULT_SOCKET = '/var/run/docker.sock';

function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

/** The endpoint of a docker context (~/.docker/contexts/meta/<sha256(name)>/meta.json). */
function contextHost(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (name === 'default') return undefined;
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const dir = createHash('sha256').update(name).digest('hex');
  const file = join(dockerConfigDir(env), 'contexts', 'meta', dir, 'meta.json');
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8'));
    return meta?.Endpoints?.docker?.Host;
  } catch {
    throw new ZaError('USAGE', `docker context "${name}" not found (looked in ${file})`,
      'list contexts with `docker context ls`, or pass --host');
  }
}

function currentContext(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  try {
    const cfg = JSON.parse(readFileSync(join(dockerConfigDir(env), 'config.json'), 'utf8'));
    return typeof cfg.currentContext === 'string' ? cfg.currentContext : undefined;
  } catch {
    return undefined;
  }
}

export function parseHost(host: string, source: string, env: NodeJS.ProcessEnv = process.env): Endpoint {
  if (host.startsWith('unix://')) return { kind: 'unix', socketPath: host.slice(7), source };
  if (host.startsWith('/')) return { kind: 'unix', socketPath: host, source };
  if (host.startsWith('ssh://')) return { kind: 'ssh', target: host, source };
  const m = /^(?:tcp|https?):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(host);
  if (!m) {
    throw new ZaError('USAGE', `cannot use engine address ${JSON.stringify(host)} (from ${source})`,
      'use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host');
  }
  const useTls = env.DOCKER_TLS_VERIFY === '1' || !!env.DOCKER_CERT_PATH || host.startsWith('https://');
  let tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; verify: boolean } | undefined;
  if (useTls) {
    const dir = env.DOCKER_CERT_PATH || dockerConfigDir(env);
    const read = (f: string): Buffer | undefined => {
      try { return readFileSync(join(dir, f)); } catch { return undefined; }
    };
    tls = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify: env.DOCKER_TLS_VERIFY === '1' };
    if (env.DOCKER_TLS_VERIFY === '1' && (!tls.cert || !tls.key)) {
      throw new ZaError('USAGE', `DOCKER_TLS_VERIFY=1 but no cert.pem/key.pem in ${dir}`, 'set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem');
    }
  }
  return { kind: 'tcp', host: m[1], port: Number(m[2] ?? (useTls ? 2376 : 2375)), tls, source };
}

/** --host, then DOCKER_HOST, then DOCKER_CONTEXT / the config's currentContext, then the default socket. */
export function resolveEndpoint(flagHost: string | undefined, env: NodeJS.ProcessEnv = process.env): Endpoint {
  if (flagHost) return parseHost(flagHost, '--host', env);
  if (env.DOCKER_HOST) return parseHost(env.DOCKER_HOST, 'DOCKER_HOST', env);
  const ctx = currentContext(env);
  if (ctx) {
    const h = contextHost(ctx, env);
    if (h) return parseHost(h, `docker context ${ctx}`, env);
  }
  return { kind: 'unix', socketPath: DEFAULT_SOCKET, source: 'default socket' };
}

export function describeEndpoint(e: Endpoint): string {
  if (e.kind === 'unix') return `unix://${e.socketPath}`;
  if (e.kind === 'ssh') return e.target;
  return `${e.tls ? 'https' : 'tcp'}://${e.host}:${e.port}`;
}
