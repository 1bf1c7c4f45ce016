import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL001 / ZL002: input lint cannot read, reported with its line; Windows images skipped with a note
test('ZL001: malformed YAML with its line; no FROM; a .conf is not linted as shell', async () => {
  const y = await lintFiles({ 'compose.yaml': 'services:\n  a:\n    command: ["x", "y"\n    image: z\n' });
  assert.deepEqual(of(y, 'ZL001'), ['error']);
  assert.ok(y[0].location!.line! >= 3);
  assert.deepEqual(of(await lintFiles({ 'Dockerfile.template': 'RUN echo hi\nCMD x\n' }), 'ZL001'), ['info']);
  const conf = await lintFiles({ 'supervisord.conf': '[program:x]\ncommand=/app &\n' });
  assert.deepEqual(conf.map((f) => f.id), ['ZL001']);
  assert.equal(conf[0].severity, 'info');
});

test('ZL002: Windows images are skipped with a note; Dockerfile-* names are Dockerfiles', async () => {
  for (const from of ['mcr.microsoft.com/windows/servercore:ltsc2022', 'mcr.microsoft.com/windows/nanoserver:1809', 'mcr.microsoft.com/dotnet/framework/runtime:4.8-windowsservercore-ltsc2019']) {
    const fs = await lintFiles({ 'Dockerfile-windows': `FROM ${from}\nCMD app.exe\n` });
    assert.deepEqual(fs.map((f) => f.id), ['ZL002'], from);
  }
  const t = await lintFiles({ 'Dockerfile-debian.template': 'FROM debian:bookworm\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n', 'e.sh': '#!/bin/sh\nexec "$@"\n' });
  assert.deepEqual(t.filter((f) => f.severity !== 'info'), []);
});

test('a broken file does not stop the others; YAML aliases in command are resolved', async () => {
  const y = await lintFiles({ 'compose.yaml': 'x-cmd: &cmd ["sh", "-c", "./a; ./b | tee /l"]\nservices:\n  a:\n    image: alpine\n    command: *cmd\n' });
  assert.deepEqual(of(y, 'ZL102'), ['error']);
});
