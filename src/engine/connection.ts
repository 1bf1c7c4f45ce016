import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ZaError } from './errors.js';

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** check the engine's certificate against ca.pem (DOCKER_TLS_VERIFY, or a context without SkipTLSVerify) */
  verify: boolean;
}

/**
 * Where the engine listens, resolved like the docker CLI does (without the CLI). `apiVersion`:
 * DOCKER_API_VERSION when set; otherwise paths are unversioned and the engine answers with its
 * own API version (what the CLI's negotiation ends at against any engine older than itself).
 */
export type Endpoint = (
  | { kind: 'unix'; socketPath: string; source: string }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsMaterial; source: string }
  | { kind: 'ssh'; target: string; source: string }
  /** an address that cannot be used (bad URL, unknown context, missing certificates): every request fails with `error` */
  | { kind: 'invalid'; error: ZaError; source: string }
) & { apiVersion?: string };

// node:crypto only for docker contexts (their folder is a sha256 of the name): loaded when needed
const require = createRequire(import.meta.url);

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/** The folder of a context's metadata and TLS material: sha256 of its name, as the CLI does. */
export function contextDigest(name: string): string {
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(name).digest('hex');
}

interface ContextEndpoint {
  host: string;
  tls?: TlsMaterial;
}

/** A docker context's endpoint: contexts/meta/<sha256>/meta.json, TLS material in contexts/tls/<sha256>/docker/. */
function contextEndpoint(name: string, env: NodeJS.ProcessEnv): ContextEndpoint | undefined {
  if (name === 'default') return undefined;
  const digest = contextDigest(name);
  const root = join(dockerConfigDir(env), 'contexts');
  const file = join(root, 'meta', digest, 'meta.json');
  let meta: { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
  try {
    meta = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new ZaError('USAGE', `docker context "${name}" not found (looked in ${file})`,
      'list contexts with `docker context ls`, use `DOCKER_CONTEXT=default`, or pass --host');
  }
  const ep = meta?.Endpoints?.docker;
  if (!ep?.Host) {
    throw new ZaError('USAGE', `docker context "${name}" has no docker endpoint (${file})`, 'recreate it with `docker context create --docker host=...`, or pass --host');
  }
  const tlsDir = join(root, 'tls', digest, 'docker');
  let tls: TlsMaterial | undefined;
  if (existsSync(tlsDir)) {
    const read = (f: string): Buffer | undefined => (existsSync(join(tlsDir, f)) ? readFileSync(join(tlsDir, f)) : undefined);
    tls = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify: !ep.SkipTLSVerify };
  }
  return { host: ep.Host, tls };
}

function currentContext(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  try {
    const cfg = JSON.parse(readFileSync(join(dockerConfigDir(env), 'config.json'), 'utf8'));
    return typeof cfg.currentContext === 'string' && cfg.currentContext ? cfg.currentContext : undefined;
  } catch {
    return undefined;
  }
}

/** TLS from DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH, as the docker CLI reads them (set = on). */
function envTls(env: NodeJS.ProcessEnv, https: boolean): TlsMaterial | undefined {
  const verify = !!env.DOCKER_TLS_VERIFY;
  if (!verify && !env.DOCKER_TLS && !env.DOCKER_CERT_PATH && !https) return undefined;
  const dir = env.DOCKER_CERT_PATH || dockerConfigDir(env);
  const read = (f: string): Buffer | undefined => {
    try { return readFileSync(join(dir, f)); } catch { return undefined; }
  };
  const tls: TlsMaterial = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify };
  if (verify && (!tls.cert || !tls.key)) {
    throw new ZaError('USAGE', `DOCKER_TLS_VERIFY is set but there is no cert.pem/key.pem in ${dir}`,
      'set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem (or unset DOCKER_TLS_VERIFY)');
  }
  return tls;
}

/** `contextTls`: a context's TLS material (null: the context has none); undefined: from the environment. */
export function parseHost(host: string, source: string, env: NodeJS.ProcessEnv = process.env, contextTls?: TlsMaterial | null): Endpoint {
  if (host.startsWith('unix://')) return { kind: 'unix', socketPath: host.slice(7) || DEFAULT_SOCKET, source };
  if (host.startsWith('/')) return { kind: 'unix', socketPath: host, source };
  if (host.startsWith('ssh://')) {
    let u: URL | undefined;
    try { u = new URL(host); } catch { /* below */ }
    if (!u?.hostname) throw new ZaError('USAGE', `cannot use engine address ${JSON.stringify(host)} (from ${source})`, 'an ssh address looks like ssh://user@host or ssh://user@host:2222');
    return { kind: 'ssh', target: host, source };
  }
  const m = /^(?:tcp|https?):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(host);
  if (!m) {
    throw new ZaError('USAGE', `cannot use engine address ${JSON.stringify(host)} (from ${source})`,
      'use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host');
  }
  const tls = contextTls === undefined ? envTls(env, host.startsWith('https://')) : contextTls ?? undefined;
  return { kind: 'tcp', host: m[1], port: Number(m[2] ?? (tls ? 2376 : 2375)), ...(tls ? { tls } : {}), source };
}

function withVersion(e: Endpoint, env: NodeJS.ProcessEnv): Endpoint {
  const v = env.DOCKER_API_VERSION;
  if (!v) return e;
  if (!/^\d+\.\d+$/.test(v)) {
    throw new ZaError('USAGE', `DOCKER_API_VERSION=${JSON.stringify(v)} is not an API version`, 'unset it (the engine\'s own version is used), or set it like 1.41');
  }
  return { ...e, apiVersion: v };
}

/**
 * --host, then DOCKER_HOST, then DOCKER_CONTEXT / the config's currentContext (with the
 * context's TLS material), then the default socket: the docker CLI's order. Throws a ZaError
 * (USAGE) on an address that cannot be used.
 */
export function resolveEndpointStrict(flagHost: string | undefined, env: NodeJS.ProcessEnv = process.env): Endpoint {
  if (flagHost) return withVersion(parseHost(flagHost, '--host', env), env);
  if (env.DOCKER_HOST) return withVersion(parseHost(env.DOCKER_HOST, 'DOCKER_HOST', env), env);
  const ctx = currentContext(env);
  if (ctx) {
    const c = contextEndpoint(ctx, env);
    if (c) return withVersion(parseHost(c.host, `docker context ${ctx}`, env, c.tls ?? null), env);
  }
  return withVersion({ kind: 'unix', socketPath: DEFAULT_SOCKET, source: 'default socket' }, env);
}

/**
 * resolveEndpointStrict, but an unusable address becomes an `invalid` endpoint: the Engine
 * then fails its first request with that error, so every command reports it like any engine
 * error (one line, a hint, exit 2) from inside its own error handling.
 */
export function resolveEndpoint(flagHost: string | undefined, env: NodeJS.ProcessEnv = process.env): Endpoint {
  try {
    return resolveEndpointStrict(flagHost, env);
  } catch (e) {
    if (!(e instanceof ZaError)) throw e;
    return { kind: 'invalid', error: e, source: flagHost ? '--host' : env.DOCKER_HOST ? 'DOCKER_HOST' : 'docker context' };
  }
}

export function describeEndpoint(e: Endpoint): string {
  if (e.kind === 'invalid') return '(unusable engine address)';
  if (e.kind === 'unix') return `unix://${e.socketPath}`;
  if (e.kind === 'ssh') return e.target;
  return `${e.tls ? 'https' : 'tcp'}://${e.host}:${e.port}`;
}
