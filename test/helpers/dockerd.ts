import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Engine } from '../../src/engine/client.js';
import { sleep } from './engine.js';

/**
 * A SECOND dockerd of the test's own (never the shared one): its own data-root, exec-root,
 * pidfile and sockets, on the shared engine's containerd under a namespace of its own (no
 * second containerd on a 2-core machine). Optionally with --tlsverify on a loopback port,
 * certificates made with openssl here.
 */
export interface OwnDockerd {
  dir: string;
  socket: string;
  /** the loopback tcp port (TLS when certs were asked for) */
  port?: number;
  /** ca.pem, cert.pem, key.pem of a client the engine trusts */
  clientCerts?: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, a server certificate for IP 127.0.0.1 and a client pair, in `dir` (ca.pem, server-*.pem, cert.pem, key.pem). */
export function makeCerts(dir: string, cn = 'za-test-ca'): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${cn}`], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(['req', ...ec, '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server-cert.pem', '-days', '2', '-extfile', 'server.ext'], dir);
  openssl(['req', ...ec, '-keyout', 'key.pem', '-out', 'client.csr', '-subj', '/CN=za-client'], dir);
  openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'cert.pem', '-days', '2', '-extfile', 'client.ext'], dir);
}

const SHARED_CONTAINERD = '/var/run/docker/containerd/containerd.sock';

export async function startDockerd(opts: { tls?: boolean; name: string }): Promise<OwnDockerd> {
  // short: unix socket paths are limited to 108 bytes
  const dir = mkdtempSync('/tmp/za-d-');
  const socket = join(dir, 'docker.sock');
  const args = ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'),
    '-H', `unix://${socket}`, '--bridge=none', '--iptables=false', '--ip6tables=false', '--log-level', 'warn',
    '--config-file', join(dir, 'daemon.json'),
    '--containerd', SHARED_CONTAINERD, '--containerd-namespace', `za-${opts.name}`, '--containerd-plugins-namespace', `za-${opts.name}-plugins`];
  writeFileSync(join(dir, 'daemon.json'), '{}');
  let port: number | undefined;
  let clientCerts: string | undefined;
  if (opts.tls) {
    makeCerts(dir);
    port = await freePort();
    clientCerts = dir;
    args.push('-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', join(dir, 'ca.pem'), '--tlscert', join(dir, 'server-cert.pem'), '--tlskey', join(dir, 'server-key.pem'));
  }
  const child: ChildProcess = spawn('dockerd', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => { log += c.toString(); });
  const e = new Engine({ kind: 'unix', socketPath: socket, source: 'test' }, { timeoutMs: 2000 });
  const end = Date.now() + 60_000;
  let up = false;
  while (Date.now() < end && child.exitCode === null) {
    try { up = (await e.request('GET', '/_ping')).status === 200; if (up) break; await sleep(200); } catch { await sleep(200); }
  }
  e.close();
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const t = Date.now() + 20_000;
      while (child.exitCode === null && child.signalCode === null && Date.now() < t) await sleep(100);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    try { execFileSync('umount', ['-R', join(dir, 'exec')], { stdio: 'ignore' }); } catch { /* nothing mounted */ }
    try { execFileSync('umount', ['-R', join(dir, 'data')], { stdio: 'ignore' }); } catch { /* nothing mounted */ }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!up) {
    await stop();
    throw new Error(`the test's own dockerd did not come up: ${log.slice(-1500)}`);
  }
  const pid = Number(readFileSync(join(dir, 'docker.pid'), 'utf8'));
  return { dir, socket, port, clientCerts, pid, stop };
}
