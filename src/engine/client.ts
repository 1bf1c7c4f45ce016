import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { Duplex } from 'node:stream';
import { describeEndpoint, type Endpoint } from './connection.js';
import { ZaError } from './errors.js';

/**
 * A lean Docker Engine API client over node:http: unix sockets, tcp with TLS, and ssh through
 * `ssh HOST docker system dial-stdio` (as the docker CLI does). It exists because the audit's
 * hot path must stay close to a bare `docker exec`: importing dockerode costs ~100 ms here
 * (it loads grpc, protobufjs and ssh2 eagerly), more than the whole exec round trip.
 * Paths are unversioned: the engine answers with its own API version (no negotiation needed).
 */
// node:https (TLS, crypto) costs several ms to load: only a tcp+TLS endpoint loads it
const require = createRequire(import.meta.url);
const https = (): typeof import('node:https') => require('node:https');

export interface RequestOptions {
  body?: unknown;
  /** raw bytes to send (e.g. a tar), with its content type */
  raw?: { data: Buffer | NodeJS.ReadableStream; contentType: string };
  query?: Record<string, string | number | boolean | undefined>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** called with each chunk of the response body as it arrives */
  onData?: (chunk: Buffer) => void;
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export class Engine {
  readonly endpoint: Endpoint;
  readonly timeoutMs: number;
  private readonly agent?: http.Agent;

  constructor(endpoint: Endpoint, opts: { timeoutMs?: number } = {}) {
    this.endpoint = endpoint;
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    if (endpoint.kind === 'unix') this.agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    else if (endpoint.kind === 'tcp') {
      this.agent = endpoint.tls
        ? new (https().Agent)({ keepAlive: true, ca: endpoint.tls.ca, cert: endpoint.tls.cert, key: endpoint.tls.key, rejectUnauthorized: endpoint.tls.verify })
        : new http.Agent({ keepAlive: true });
    }
  }

  describe(): string {
    return describeEndpoint(this.endpoint);
  }

  /** Close idle keep-alive sockets so the process can exit at once. */
  close(): void {
    this.agent?.destroy();
  }

  private sshConnection(): Duplex {
    const e = this.endpoint as Extract<Endpoint, { kind: 'ssh' }>;
    const u = new URL(e.target);
    const args = ['-o', 'BatchMode=yes'];
    if (u.port) args.push('-p', u.port);
    args.push('--', (u.username ? `${decodeURIComponent(u.username)}@` : '') + u.hostname, 'docker', 'system', 'dial-stdio');
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'inherit'] });
    return Duplex.from({ readable: child.stdout!, writable: child.stdin! });
  }

  request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const e = this.endpoint;
    const qs = opts.query
      ? '?' + Object.entries(opts.query).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')
      : '';
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    // An explicit timer, not AbortSignal.any([AbortSignal.timeout()]): in Node 20 the combined
    // signal holds its sources weakly, and a GC during a long wait (seen: a 10 s /wait) drops
    // the timeout, so the request waits forever.
    const ac = new AbortController();
    const signal = ac.signal;
    const timer = setTimeout(() => ac.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs);
    const onOuterAbort = (): void => ac.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const settle = (): void => { clearTimeout(timer); opts.signal?.removeEventListener('abort', onOuterAbort); };
    const headers: Record<string, string> = {};
    let payload: Buffer | NodeJS.ReadableStream | undefined;
    if (opts.raw) {
      headers['Content-Type'] = opts.raw.contentType;
      payload = opts.raw.data;
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = Buffer.from(JSON.stringify(opts.body));
    }
    const base: http.RequestOptions = { method, path: path + qs, headers, signal };
    if (e.kind === 'unix') Object.assign(base, { socketPath: e.socketPath, agent: this.agent });
    else if (e.kind === 'tcp') Object.assign(base, { host: e.host, port: e.port, agent: this.agent });
    else Object.assign(base, { host: 'docker', createConnection: () => this.sshConnection() });
    const mod = e.kind === 'tcp' && e.tls ? https() : http;

    return new Promise<Response>((resolveP, rejectP) => {
      const resolve = (r: Response): void => { settle(); resolveP(r); };
      const reject = (e: unknown): void => { settle(); rejectP(e); };
      const req = mod.request(base, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => { chunks.push(c); opts.onData?.(c); });
        res.on('error', (err) => reject(this.wrap(err, signal, timeoutMs, method, path)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', (err) => reject(this.wrap(err, signal, timeoutMs, method, path)));
      if (payload && Buffer.isBuffer(payload)) req.end(payload);
      else if (payload) (payload as NodeJS.ReadableStream).pipe(req);
      else req.end();
    });
  }

  private wrap(err: NodeJS.ErrnoException, signal: AbortSignal, timeoutMs: number, method: string, path: string): ZaError {
    const where = this.describe();
    if (signal.aborted) {
      const reason = signal.reason as Error | undefined;
      if (reason?.name === 'TimeoutError') {
        return new ZaError('ENGINE_TIMEOUT', `the engine at ${where} did not answer ${method} ${path.split('?')[0]} within ${timeoutMs / 1000} s`,
          'the engine may be hung or overloaded; raise --timeout (or DOCKER_CLIENT_TIMEOUT) or check `systemctl status docker`');
      }
      return new ZaError('ENGINE_TIMEOUT', 'interrupted', undefined);
    }
    if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENOTFOUND') {
      return new ZaError('ENGINE_UNREACHABLE', `no Docker engine answers at ${where} (${this.endpoint.source}): ${err.code}`,
        'start the engine (`sudo systemctl start docker`, or this project\'s scripts/engine-up.sh), or point DOCKER_HOST / --host at a running one');
    }
    if (err.code === 'EACCES' || err.code === 'EPERM') {
      return new ZaError('ENGINE_PERMISSION', `permission denied on ${where}`,
        'add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again) or run with sudo');
    }
    return new ZaError('ENGINE_API', `engine request ${method} ${path.split('?')[0]} failed: ${err.message}`);
  }

  /** A JSON request; a status outside 2xx becomes a ZaError. */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    if (res.status >= 300) throw apiError(res, method, path);
    if (res.body.length === 0) return undefined as T;
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /** Run argv in a running container and return its demultiplexed output. */
  /** `onStdout` receives the output as it comes, in whole frames. */
  async exec(container: string, argv: string[], opts: { user?: string; timeoutMs?: number; signal?: AbortSignal; onStdout?: (text: string) => void } = {}): Promise<ExecResult> {
    const created = await this.json<{ Id: string }>('POST', `/containers/${encodeURIComponent(container)}/exec`, {
      body: { Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false, User: opts.user }, timeoutMs: opts.timeoutMs, signal: opts.signal,
    });
    const res = await this.request('POST', `/exec/${created.Id}/start`, { body: { Detach: false, Tty: false }, timeoutMs: opts.timeoutMs, signal: opts.signal, onData: opts.onStdout && frameReader(opts.onStdout) });
    if (res.status >= 300) throw apiError(res, 'POST', '/exec/start');
    return demux(res.body);
  }
}

export function apiError(res: Response, method: string, path: string): ZaError {
  let msg = res.body.toString('utf8').trim();
  try { msg = JSON.parse(msg).message ?? msg; } catch { /* not JSON */ }
  if (res.status === 404 && /no such container/i.test(msg)) return new ZaError('NOT_FOUND', msg, undefined, 404);
  if (res.status === 409 && /paused/i.test(msg)) {
    return new ZaError('PAUSED', msg, 'unpause it (`docker unpause`) to audit it: a paused container runs nothing', 409);
  }
  if (res.status === 409 && /not running|restarting/i.test(msg)) {
    return new ZaError('NOT_RUNNING', msg, 'start it, or audit its image before deploy with `zombie-audit lint --image`', 409);
  }
  if (res.status === 401 || res.status === 403) return new ZaError('ENGINE_PERMISSION', msg, undefined, res.status);
  return new ZaError('ENGINE_API', `${method} ${path.split('?')[0]}: ${res.status} ${msg}`, undefined, res.status);
}

/**
 * A streaming demuxer: feed it raw chunks as they come (frames may be split anywhere); it calls
 * `onStdout` with each complete frame's stdout payload.
 */
export function frameReader(onStdout: (text: string) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let i = 0;
    while (i + 8 <= pending.length) {
      const size = pending.readUInt32BE(i + 4);
      if (i + 8 + size > pending.length) break;
      if (pending[i] === 1) onStdout(pending.subarray(i + 8, i + 8 + size).toString('latin1'));
      i += 8 + size;
    }
    pending = pending.subarray(i);
  };
}

/** Split Docker's multiplexed stream: frames of [stream, 0, 0, 0, size (4 bytes BE)] + payload. */
export function demux(buf: Buffer): ExecResult {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const type = buf[i];
    if (type > 2 || buf[i + 1] !== 0 || buf[i + 2] !== 0 || buf[i + 3] !== 0) {
      // not multiplexed (a TTY exec): all of it is output
      return { stdout: buf.toString('latin1'), stderr: '' };
    }
    const size = buf.readUInt32BE(i + 4);
    const chunk = buf.subarray(i + 8, i + 8 + size);
    (type === 2 ? err : out).push(chunk);
    i += 8 + size;
  }
  // latin1 keeps every byte of /proc text (names may be any bytes); callers decode names as needed
  return { stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') };
}
