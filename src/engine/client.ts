import { Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import DockerModem from 'docker-modem';
import { describeEndpoint, type Endpoint } from './connection.js';
import { ZaError } from './errors.js';
import { sshAgent, sshConnectOptions, type SshConnectOptions } from './ssh.js';

/**
 * The project's one way to the Docker engine: docker-modem (dockerode's transport) for the raw
 * API paths, dockerode for exec. docker-modem gives unix sockets, tcp with TLS, and ssh through
 * ssh2 and `docker system dial-stdio` on the remote side; the endpoint itself is resolved like
 * the docker CLI does (connection.ts). Paths are unversioned unless DOCKER_API_VERSION is set:
 * the engine then answers with its own API version.
 *
 * Every request has a hard time limit (an AbortSignal from a timer of our own: docker-modem's
 * `timeout` is only an idle timeout) and every failure becomes a ZaError with a hint.
 */
const require = createRequire(import.meta.url);

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
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** every status is "expected": the caller reads it (docker-modem would otherwise turn it into an Error) */
const ANY_STATUS = new Proxy({}, { get: () => true });

interface Deadline {
  signal: AbortSignal;
  timeoutMs: number;
  done(): void;
}

export class Engine {
  readonly endpoint: Endpoint;
  readonly timeoutMs: number;
  readonly modem: DockerModem;
  private readonly agent?: import('node:http').Agent;
  private dockerode?: Dockerode;
  private ssh?: SshConnectOptions;
  /** why this engine cannot be reached at all (an unusable address): every request fails with it */
  private readonly invalid?: ZaError;

  constructor(endpoint: Endpoint, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) {
    this.endpoint = endpoint;
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    const base: DockerModem.ConstructorOptions = { version: endpoint.apiVersion ? `v${endpoint.apiVersion}` : undefined, timeout: undefined };
    if (endpoint.kind === 'unix') {
      this.agent = new HttpAgent({ keepAlive: true, maxSockets: 32 });
      Object.assign(base, { socketPath: endpoint.socketPath, protocol: 'http', agent: this.agent });
    } else if (endpoint.kind === 'tcp') {
      const t = endpoint.tls;
      // node:https (TLS, crypto) costs several ms to load: only a TLS endpoint loads it
      this.agent = t
        ? new (require('node:https') as typeof import('node:https')).Agent({ keepAlive: true, ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: t.verify })
        : new HttpAgent({ keepAlive: true });
      Object.assign(base, { host: endpoint.host, port: endpoint.port, protocol: t ? 'https' : 'http', agent: this.agent, ca: t?.ca, cert: t?.cert, key: t?.key });
    } else if (endpoint.kind === 'ssh') {
      try {
        this.ssh = sshConnectOptions(endpoint.target, opts.env ?? process.env, this.timeoutMs);
        this.agent = sshAgent(this.ssh);
        // docker-modem speaks HTTP over the agent's dial-stdio channels; the host name is not used
        Object.assign(base, { host: 'docker', port: 80, protocol: 'http', agent: this.agent });
      } catch (e) {
        if (!(e instanceof ZaError)) throw e;
        this.invalid = e;
      }
    } else {
      this.invalid = endpoint.error;
    }
    this.modem = newModem(base);
  }

  describe(): string {
    return describeEndpoint(this.endpoint);
  }

  /** Close idle keep-alive sockets so the process can exit at once. */
  close(): void {
    this.agent?.destroy();
  }

  /** dockerode on this engine's modem (one connection setup for both); imported on first use. */
  async docker(): Promise<Dockerode> {
    if (!this.dockerode) {
      const D = (await import('dockerode')).default;
      this.dockerode = new D({ modem: this.modem } as Dockerode.DockerOptions);
    }
    return this.dockerode;
  }

  /**
   * A hard time limit. An explicit timer, not AbortSignal.any([AbortSignal.timeout()]): in Node
   * 20 the combined signal holds its sources weakly, and a GC during a long wait (seen: a 10 s
   * /wait) drops the timeout, so the request waits forever.
   */
  private deadline(timeoutMs: number, outer?: AbortSignal): Deadline {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs);
    const onOuterAbort = (): void => ac.abort(outer?.reason);
    if (outer?.aborted) onOuterAbort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    return { signal: ac.signal, timeoutMs, done: () => { clearTimeout(timer); outer?.removeEventListener('abort', onOuterAbort); } };
  }

  request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    if (this.invalid) return Promise.reject(this.invalid);
    const d = this.deadline(opts.timeoutMs ?? this.timeoutMs, opts.signal);
    const query: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) query[k] = v;
    const hasQuery = Object.keys(query).length > 0;
    const headers: Record<string, string> = {};
    let file: Buffer | NodeJS.ReadableStream | undefined;
    if (opts.raw) {
      headers['Content-Type'] = opts.raw.contentType;
      file = opts.raw.data;
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      file = Buffer.from(JSON.stringify(opts.body));
    }
    return new Promise<Response>((resolveP, rejectP) => {
      let settled = false;
      const resolve = (r: Response): void => { if (!settled) { settled = true; d.done(); resolveP(r); } };
      const reject = (e: unknown): void => {
        if (settled) return;
        settled = true;
        d.done();
        void this.diagnose(this.wrap(e as NodeJS.ErrnoException, d, method, path)).then(rejectP);
      };
      this.modem.dial({
        path: hasQuery ? `${path}?` : path, method, headers, file, isStream: true, statusCodes: ANY_STATUS,
        abortSignal: d.signal, options: hasQuery ? { _query: query } : undefined,
      }, (err, result) => {
        if (err) return reject(err);
        const res = result as IncomingMessage;
        const chunks: Buffer[] = [];
        const onAbort = (): void => { res.destroy(); reject(Object.assign(new Error('aborted'), { name: 'AbortError' })); };
        if (d.signal.aborted) return onAbort();
        d.signal.addEventListener('abort', onAbort, { once: true });
        res.on('data', (c: Buffer) => { chunks.push(c); opts.onData?.(c); });
        res.on('error', (e) => reject(e));
        res.on('end', () => {
          d.signal.removeEventListener('abort', onAbort);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('close', () => {
          d.signal.removeEventListener('abort', onAbort);
          if (!res.complete) reject(Object.assign(new Error('the engine closed the connection mid-answer'), { code: 'ECONNRESET' }));
        });
      });
    });
  }

  /**
   * No engine at a local address: say which engines do run here (the processes on this host,
   * as `zombie-audit doctor` reads them), once per Engine.
   */
  private diagnosis?: Promise<string | undefined>;
  private async diagnose(z: ZaError): Promise<ZaError> {
    const e = this.endpoint;
    const local = e.kind === 'unix' || (e.kind === 'tcp' && /^(127\.|localhost$|::1$)/.test(e.host));
    if (z.code !== 'ENGINE_UNREACHABLE' || !local) return z;
    // looked up once per Engine; every request that fails so gets the same hint
    this.diagnosis ??= (async () => {
      try {
        const { discoverEngines, describeFound } = await import('./discover.js');
        const found = await Promise.race([discoverEngines(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('slow')), 5000).unref())]);
        if (found.length === 0) return 'no dockerd, podman service or containerd runs on this host: start one (`sudo systemctl start docker`, or this project\'s scripts/engine-up.sh)';
        const seen = describeFound(found, this.describe());
        return seen ? `start the engine, or point --host / DOCKER_HOST at one that runs here: ${seen}; \`zombie-audit doctor\` checks the rest` : undefined;
      } catch {
        return undefined;
      }
    })();
    const hint = await this.diagnosis;
    return hint ? new ZaError(z.code, z.message, hint, z.status) : z;
  }

  private wrap(err: NodeJS.ErrnoException & { level?: string }, d: Deadline, method: string, path: string): ZaError {
    if (err instanceof ZaError) return err;
    const where = this.describe();
    const p = path.split('?')[0];
    if (d.signal.aborted) {
      const reason = d.signal.reason as Error | undefined;
      if (reason?.name === 'TimeoutError') {
        return new ZaError('ENGINE_TIMEOUT', `the engine at ${where} did not answer ${method} ${p} within ${d.timeoutMs / 1000} s`,
          'the engine may be hung or overloaded, or that address is not a Docker engine; raise --timeout (or DOCKER_CLIENT_TIMEOUT), check `systemctl status docker`, or run `zombie-audit doctor`');
      }
      return new ZaError('ENGINE_TIMEOUT', 'interrupted', undefined);
    }
    const code = err.code ?? '';
    const sshRefused = this.ssh?.refused;
    if (sshRefused) {
      return new ZaError('ENGINE_PERMISSION', `ssh to ${where} refused: ${sshRefused}`, `connect once with \`ssh ${this.ssh!.port !== 22 ? `-p ${this.ssh!.port} ` : ''}${this.ssh!.username}@${this.ssh!.host}\` and check the host key it shows`);
    }
    if (err.level === 'client-authentication') {
      return new ZaError('ENGINE_PERMISSION', `ssh to ${where}: no accepted key (${err.message})`,
        'load your key into the ssh agent (`ssh-add`) or name it with IdentityFile in ~/.ssh/config; `ssh <host> docker version` must work');
    }
    if (['ENOENT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN'].includes(code) || err.level === 'client-socket') {
      return new ZaError('ENGINE_UNREACHABLE', `no Docker engine answers at ${where} (${this.endpoint.source}): ${code || err.message}`,
        'start the engine (`sudo systemctl start docker`, or this project\'s scripts/engine-up.sh), or point DOCKER_HOST / --host at a running one; `zombie-audit doctor` shows which engines run here and where they listen');
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return new ZaError('ENGINE_PERMISSION', `permission denied on ${where}`,
        'add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again) or run with sudo');
    }
    if (/certificate|self[- ]signed|SSL|TLS|ERR_TLS|EPROTO|DEPTH_ZERO|UNABLE_TO_VERIFY|handshake|bad decrypt|alert/i.test(`${code} ${err.message}`)) {
      return new ZaError('ENGINE_PERMISSION', `TLS to ${where} failed: ${err.message}`,
        'check DOCKER_CERT_PATH (ca.pem must sign the engine\'s certificate; cert.pem and key.pem must be a client pair it trusts) and DOCKER_TLS_VERIFY');
    }
    if (code === 'ECONNRESET' || /socket hang up|closed the connection/i.test(err.message)) {
      return new ZaError('ENGINE_UNREACHABLE', `the connection to ${where} was closed during ${method} ${p} (${err.message})`,
        this.endpoint.kind === 'tcp' && !this.endpoint.tls
          ? 'is that a TLS port? set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH; or run `zombie-audit doctor`'
          : this.endpoint.kind === 'ssh' ? 'the remote side must run `docker system dial-stdio`: is docker installed there and may that user use it?' : 'the engine may have restarted; try again');
    }
    return new ZaError('ENGINE_API', `engine request ${method} ${p} to ${where} failed: ${err.message}`);
  }

  /** A JSON request; a status outside 2xx becomes a ZaError. */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    if (res.status >= 300) throw apiError(res, method, path);
    if (res.body.length === 0) return undefined as T;
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /**
   * Run argv in a running container (dockerode's exec) and return its demultiplexed output;
   * `onStdout` receives the output as it comes, in whole frames. `exitCode` is read only when
   * asked (one more request).
   */
  async exec(container: string, argv: string[], opts: { user?: string; timeoutMs?: number; signal?: AbortSignal; onStdout?: (text: string) => void; exitCode?: boolean } = {}): Promise<ExecResult & { exitCode?: number | null }> {
    if (this.invalid) throw this.invalid;
    const d = this.deadline(opts.timeoutMs ?? this.timeoutMs, opts.signal);
    const path = `/containers/${container}/exec`;
    try {
      // dockerode's Container on this engine's modem (the same object docker().getContainer() gives)
      const Container = this.dockerode ? undefined : (await import('dockerode/lib/container.js')).default;
      const c = Container ? new Container(this.modem, encodeURIComponent(container)) : this.dockerode!.getContainer(encodeURIComponent(container));
      const ex = await c.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false, User: opts.user, abortSignal: d.signal } as Dockerode.ExecCreateOptions);
      const stream = await ex.start({ Detach: false, Tty: false, hijack: false, abortSignal: d.signal } as Dockerode.ExecStartOptions);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const sink = (into: Buffer[], each?: (t: string) => void): Writable => new Writable({
        write(chunk: Buffer, _enc, cb) { into.push(chunk); each?.(chunk.toString('latin1')); cb(); },
      });
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => { stream.destroy(); reject(Object.assign(new Error('aborted'), { name: 'AbortError' })); };
        if (d.signal.aborted) return onAbort();
        d.signal.addEventListener('abort', onAbort, { once: true });
        this.modem.demuxStream(stream, sink(out, opts.onStdout), sink(err));
        stream.on('end', () => { d.signal.removeEventListener('abort', onAbort); resolve(); });
        stream.on('error', (e) => { d.signal.removeEventListener('abort', onAbort); reject(e); });
      });
      // latin1 keeps every byte of /proc text (names may be any bytes); callers decode names as needed
      const result: ExecResult & { exitCode?: number | null } = { stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') };
      if (opts.exitCode) {
        let info = await ex.inspect({ abortSignal: d.signal } as object);
        for (let i = 0; i < 20 && info.Running; i++) {
          await new Promise((r) => setTimeout(r, 25));
          info = await ex.inspect({ abortSignal: d.signal } as object);
        }
        result.exitCode = info.ExitCode ?? null;
      }
      return result;
    } catch (e) {
      throw await this.diagnose(this.fromDockerode(e, d, 'POST', path));
    } finally {
      d.done();
    }
  }

  /** A dockerode error (statusCode, json.message) or a transport error, as a ZaError. */
  private fromDockerode(e: unknown, d: Deadline, method: string, path: string): ZaError {
    if (e instanceof ZaError) return e;
    const x = e as Error & { statusCode?: number; json?: { message?: string } | Buffer | null };
    if (typeof x?.statusCode === 'number') {
      const msg = x.json && !Buffer.isBuffer(x.json) && x.json.message ? x.json.message : x.message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
      return apiError({ status: x.statusCode, headers: {}, body: Buffer.from(JSON.stringify({ message: msg })) }, method, path);
    }
    return this.wrap(x as NodeJS.ErrnoException, d, method, path);
  }
}

/** docker-modem reads DOCKER_HOST, DOCKER_CERT_PATH etc. from process.env when built (and throws on some): the endpoint is already resolved, so build it without them. */
function newModem(opts: DockerModem.ConstructorOptions): DockerModem {
  const keys = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CLIENT_TIMEOUT', 'DOCKER_PATH_PREFIX'];
  const saved = keys.map((k) => [k, process.env[k]] as const);
  try {
    for (const k of keys) delete process.env[k];
    const m = new DockerModem(opts);
    m.Promise = Promise; // what dockerode's constructor sets (its Container and Exec use it)
    return m;
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
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
  if (res.status === 400 && /client version .* is too (new|old)|API version/i.test(msg)) {
    return new ZaError('ENGINE_API', msg, 'DOCKER_API_VERSION asks for an API version this engine does not speak: unset it (zombie-audit then uses the engine\'s own) or set one the engine supports', 400);
  }
  if (res.status === 400 && /HTTP request to an HTTPS server/i.test(msg)) {
    return new ZaError('ENGINE_API', `the engine speaks TLS there: ${msg}`, 'set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem), or use its docker context', 400);
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
  return { stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') };
}
