import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { demux, Engine } from '../../../src/engine/client.js';
import { ZaError } from '../../../src/engine/errors.js';
import { engine, removeAll, runId, start } from '../../helpers/engine.js';

function frame(stream: number, text: string): Buffer {
  const body = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

test('demux splits stdout and stderr frames', () => {
  const r = demux(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]));
  assert.deepEqual(r, { stdout: 'out1 out2', stderr: 'err' });
});

test('an engine that accepts and never answers gives a timeout with a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-hang-'));
  const sock = join(dir, 'hang.sock');
  const held: import('node:net').Socket[] = [];
  const server = createServer((s) => { held.push(s); });
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const e = new Engine({ kind: 'unix', socketPath: sock, source: 'test' }, { timeoutMs: 300 });
    await assert.rejects(e.json('GET', '/containers/x/json'), (err: unknown) => {
      assert.ok(err instanceof ZaError);
      assert.equal(err.code, 'ENGINE_TIMEOUT');
      assert.match(err.message, /did not answer GET \/containers\/x\/json within 0.3 s/);
      return true;
    });
    e.close();
  } finally {
    held.forEach((s) => s.destroy());
    server.close();
  }
});

test('no engine at the socket: ENGINE_UNREACHABLE with a hint', async () => {
  const e = new Engine({ kind: 'unix', socketPath: '/nonexistent/docker.sock', source: 'test' });
  await assert.rejects(e.json('GET', '/version'), (err: unknown) => err instanceof ZaError && err.code === 'ENGINE_UNREACHABLE' && /dockerd at unix:\/\/\/var\/run\/docker\.sock|start the engine|start one/.test(err.hint ?? ''));
});

test('the real engine answers /version', async () => {
  const v = await engine.json<{ ApiVersion: string }>('GET', '/version');
  assert.match(v.ApiVersion, /^1\.\d+$/);
});

test('tcp:// reaches the real engine (through a loopback relay to its socket)', async () => {
  const { connect } = await import('node:net');
  const relay = createServer((s) => {
    const u = connect('/var/run/docker.sock');
    s.pipe(u).pipe(s);
    s.on('error', () => u.destroy());
    u.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const port = (relay.address() as import('node:net').AddressInfo).port;
  try {
    const { parseHost } = await import('../../../src/engine/connection.js');
    const e = new Engine(parseHost(`tcp://127.0.0.1:${port}`, 'test', {}));
    const v = await e.json<{ ApiVersion: string }>('GET', '/version');
    assert.match(v.ApiVersion, /^1\.\d+$/);
    const run = runId('tcp');
    try {
      const c = await start(run, { image: 'zombie-audit-fixture/tini' });
      assert.deepEqual(await e.exec(c, ['/bin/sh', '-c', 'echo out; echo err >&2']), { stdout: 'out\n', stderr: 'err\n' });
    } finally {
      await removeAll(run);
    }
    e.close();
  } finally {
    relay.close();
    engine.close();
  }
});

test('the request timeout survives garbage collection during a long wait', { timeout: 15_000 }, async () => {
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const dir = mkdtempSync(join(tmpdir(), 'za-gc-'));
  const sock = join(dir, 'hang.sock');
  const held: import('node:net').Socket[] = [];
  const server = createServer((s) => { held.push(s); });
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const e = new Engine({ kind: 'unix', socketPath: sock, source: 'test' }, { timeoutMs: 1500 });
    const p = e.json('POST', '/containers/x/wait');
    const timer = setInterval(gc, 100);
    await assert.rejects(p, (err: unknown) => err instanceof ZaError && err.code === 'ENGINE_TIMEOUT');
    clearInterval(timer);
    e.close();
  } finally {
    held.forEach((s) => s.destroy());
    server.close();
  }
});
