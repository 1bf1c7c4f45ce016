/**
 * lint: a corpus of 1,000 Dockerfiles with their entrypoint scripts, generated from the
 * fixtures' patterns in a temporary folder (removed after): throughput in files per second in
 * one process; and one file, whole process, against `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintPaths } from '../src/lint/lint.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const SCRIPTS = [
  '#!/bin/sh\nset -e\nif [ "$1" = app ]; then\n  chown -R app /data\n  exec su-exec app "$@"\nfi\nexec "$@"\n',
  '#!/bin/sh\nagent &\n./migrate\nnode server.js\n',
  "#!/bin/bash\ntrap 'kill -TERM $c' TERM\napp & c=$!\nwait $c\n",
  '#!/bin/sh\nfor f in /init.d/*.sh; do . "$f"; done\nexec "$@"\n',
];
const DOCKERFILES = [
  (i: number) => `FROM alpine:3.${i % 20}\nCOPY entrypoint.sh /usr/local/bin/\nENTRYPOINT ["entrypoint.sh"]\nCMD ["app"]\n`,
  (i: number) => `FROM node:${18 + (i % 3)}\nRUN apt-get update && apt-get install -y tini\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n`,
  () => 'FROM alpine\nCOPY entrypoint.sh /e.sh\nSTOPSIGNAL SIGQUIT\nENTRYPOINT ["/e.sh"]\n',
  () => 'FROM python:3.12\nWORKDIR /app\nCMD ./migrate && python3 server.py\n',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'za-lint-bench-'));
  try {
    const files: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const d = join(dir, String(i));
      mkdirSync(d);
      writeFileSync(join(d, 'entrypoint.sh'), SCRIPTS[i % SCRIPTS.length]);
      writeFileSync(join(d, 'Dockerfile'), DOCKERFILES[i % DOCKERFILES.length](i));
      files.push(join(d, 'Dockerfile'));
    }
    await lintPaths([files[0]], { config: { ignore: [], severity: {} } }); // parsers loaded once
    const t0 = Date.now();
    const r = await lintPaths(files, { config: { ignore: [], severity: {} } });
    const secs = (Date.now() - t0) / 1000;
    const one = median(Array.from({ length: 7 }, () => time([BIN, 'lint', files[1], '--fail-on', 'none'])));
    const node0 = median(Array.from({ length: 7 }, () => time(['-e', '0'])));
    console.log(`\nlint (one run, this machine)\n1,000 Dockerfiles + scripts in one process: ${secs.toFixed(2)} s, ${(1000 / secs).toFixed(0)} files/s, ${r.findings.length} findings\none file, whole process: ${one.toFixed(0)} ms against node -e 0 ${node0.toFixed(0)} ms (${(one / node0).toFixed(1)}x)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function time(args: string[]): number {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

await main();
