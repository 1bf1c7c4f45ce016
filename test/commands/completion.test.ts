import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { engine, removeAll, runId, start } from '../helpers/engine.js';

/** Shell completion: fish (ours, from the flag tables; fish from Debian) and bash (oclif's plugin). */
const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const run = runId('completion');
let dir = '';
let c = '';
const za = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'za-completion-'));
  c = await start(run, { image: 'zombie-audit-fixture/tini' });
});
after(async () => { rmSync(dir, { recursive: true, force: true }); await removeAll(run); engine.close(); });

function fish(line: string): string[] {
  const r = spawnSync('fish', ['--no-config', '-c', `source ${join(dir, 'za.fish')}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => l.split('\t')[0]);
}

test('fish: commands, flags, flag values and running containers complete', () => {
  const script = za(['completion', 'fish']);
  assert.equal(script.status, 0, script.stderr);
  writeFileSync(join(dir, 'za.fish'), script.stdout);
  assert.deepEqual(fish('zombie-audit li'), ['lint']);
  assert.ok(fish('zombie-audit ').includes(c), 'a running container is offered where a command is');
  assert.ok(fish('zombie-audit probe ').includes(c));
  assert.deepEqual(fish('zombie-audit watch x --max-z'), ['--max-zombies']);
  assert.deepEqual(fish('zombie-audit lint --format ').sort(), ['github', 'json', 'sarif', 'tty']);
  assert.ok(fish('zombie-audit audit x --').includes('--no-color'));
  assert.ok(!fish('zombie-audit audit x --').includes('--write'), 'fix\'s flags are not offered to audit');
});

test('completion: anything but fish is refused with a pointer to autocomplete (exit 2)', () => {
  const r = za(['completion', 'tcsh']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^zombie-audit: completion takes fish, not "tcsh"\n {2}hint: bash and zsh: zombie-audit autocomplete bash\|zsh/);
});

test('bash: oclif\'s autocomplete script names the commands', () => {
  const r = za(['autocomplete', 'script', 'bash']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /zombie-audit/);
});
