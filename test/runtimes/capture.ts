/**
 * Capture the collector's real output from a runtime image, for the unit tests of the runtime
 * knowledge base and the rules (test/fixtures/proc/runtimes/NAME.txt):
 *   node dist/test/runtimes/capture.js IMAGE NAME UP-REGEX [settle-seconds] [cmd...]
 * Starts the image (network none, labelled), waits until a process's argv matches UP-REGEX, lets
 * it settle, runs the collector once by docker exec, writes the text, removes the container.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { COLLECT_ARGV } from '../../src/collect/script.js';
import { engine, removeAll, runId, sleep, start } from '../helpers/engine.js';
import { waitUp } from './harness.js';

const [image, name, up, settle = '1', ...cmd] = process.argv.slice(2);
if (!image || !name || !up) {
  // a tool, not a test: the test runner (which runs every file under dist/test) gets nothing to do
  if (process.env.NODE_TEST_CONTEXT) process.exit(0);
  process.stderr.write('usage: capture.js IMAGE NAME UP-REGEX [settle-seconds] [cmd...]\n');
  process.exit(2);
}
const run = runId('capture');
try {
  const id = await start(run, { image, cmd: cmd.length ? cmd : undefined });
  await waitUp(id, new RegExp(up));
  await sleep(Number(settle) * 1000);
  const out = await engine.exec(id, COLLECT_ARGV);
  const dir = new URL('../../../test/fixtures/proc/runtimes/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.txt`, dir), out.stdout, 'latin1');
  process.stderr.write(`captured ${name}: ${out.stdout.length} bytes\n`);
} finally {
  await removeAll(run);
  engine.close();
}
