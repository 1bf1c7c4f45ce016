import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './dockerd.js';
import { sleep } from './engine.js';

/**
 * A loopback sshd of the test's own (Debian's openssh-server, scripts/ssh-up.sh installs it)
 * with a throwaway host key, and a throwaway HOME for the client: ~/.ssh/config with a Host
 * alias, a throwaway key and known_hosts. The remote side runs `docker system dial-stdio`
 * against the shared engine's default socket, as a real ssh endpoint does.
 */
export interface OwnSshd {
  port: number;
  /** the client's HOME (.ssh/config names Host `alias`) */
  home: string;
  alias: string;
  stop(): void;
}

export async function startSshd(): Promise<OwnSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'za-sshd-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(home, '.ssh', 'id_ed25519.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  const port = await freePort();
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'AllowTcpForwarding no', 'X11Forwarding no',
    'PrintMotd no', 'LogLevel ERROR',
  ].join('\n') + '\n');
  const alias = 'za-engine-test';
  writeFileSync(join(home, '.ssh', 'config'),
    `Host ${alias}\n  HostName 127.0.0.1\n  Port ${port}\n  User root\n  IdentityFile ~/.ssh/id_ed25519\n  IdentitiesOnly yes\n`);
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  writeFileSync(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => { log += c.toString(); });
  const { connect } = await import('node:net');
  let up = false;
  for (let i = 0; i < 100 && child.exitCode === null && !up; i++) {
    up = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (!up) await sleep(100);
  }
  const stop = (): void => {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  if (!up) {
    stop();
    throw new Error(`the test's sshd did not come up: ${log}`);
  }
  return { port, home, alias, stop };
}
