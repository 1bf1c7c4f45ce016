import { randomBytes } from 'node:crypto';
import { Engine } from '../../src/engine/client.js';
import { resolveEndpoint } from '../../src/engine/connection.js';

/** The real engine the tests run against (scripts/test.sh brings it up). */
export const engine = new Engine(resolveEndpoint(undefined), { timeoutMs: 60_000 });

export const RUN_LABEL = 'zombie-audit.test';

/** One label value per test file: everything it starts carries it and is removed by it. */
export function runId(name: string): string {
  return `${name}-${randomBytes(3).toString('hex')}`;
}

export interface StartOptions {
  image: string;
  name?: string;
  cmd?: string[];
  entrypoint?: string[];
  pidsLimit?: number;
  init?: boolean;
  stopSignal?: string;
  stopTimeout?: number;
}

/** Start a fixture container (network none, labelled) and return its name. */
export async function start(run: string, o: StartOptions): Promise<string> {
  const name = o.name ?? `${run}-${randomBytes(3).toString('hex')}`;
  const created = await engine.json<{ Id: string }>('POST', '/containers/create', {
    query: { name },
    body: {
      Image: o.image, Cmd: o.cmd, Entrypoint: o.entrypoint, Labels: { [RUN_LABEL]: run },
      StopSignal: o.stopSignal, StopTimeout: o.stopTimeout, NetworkDisabled: true,
      HostConfig: { NetworkMode: 'none', PidsLimit: o.pidsLimit, Init: o.init },
    },
  });
  const res = await engine.request('POST', `/containers/${created.Id}/start`);
  if (res.status >= 300) throw new Error(`start ${name}: ${res.body}`);
  return name;
}

/** Remove everything this run started. */
export async function removeAll(run: string): Promise<void> {
  const list = await engine.json<Array<{ Id: string }>>('GET', '/containers/json', {
    query: { all: 1, filters: JSON.stringify({ label: [`${RUN_LABEL}=${run}`] }) },
  });
  await Promise.all(list.map((c) => engine.request('DELETE', `/containers/${c.Id}`, { query: { force: 1, v: 1 } })));
}

export async function countLabelled(label: string): Promise<number> {
  const list = await engine.json<unknown[]>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: [label] }) } });
  return list.length;
}

export async function execText(container: string, argv: string[]): Promise<string> {
  return (await engine.exec(container, argv)).stdout;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns true, up to `ms`. */
export async function until(fn: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await sleep(50);
  }
  return false;
}
