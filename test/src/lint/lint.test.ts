import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { kindOf, lintPaths, loadConfig, type LintConfig } from '../../../src/lint/lint.js';
import { baseImageShell } from '../../../src/lint/knowledge.js';
import { shellSplit } from '../../../src/lint/yaml.js';

const FIX = new URL('../../../../fixtures/lint/', import.meta.url).pathname;
const none: LintConfig = { ignore: [], severity: {} };
const lint = async (p: string, cfg = none) => (await lintPaths([join(FIX, p)], { config: cfg })).findings;
const ids = (fs: Array<{ id: string; severity: string }>) => fs.filter((f) => f.severity !== 'info').map((f) => `${f.id}:${f.severity}`).sort();

// what lint says about each fixture on the base its FROM names (test/lint-proof/ proves each in a container)
const EXPECTED: Record<string, string[]> = {
  'shell-lone/Dockerfile': ['ZL101:error'],
  'shell-lone-alpine/Dockerfile': [],
  'shell-list/Dockerfile': [],
  'shell-redirect/Dockerfile': [],
  'shell-if/Dockerfile': ['ZL102:error'],
  'shell-pipeline/Dockerfile': ['ZL102:error'],
  'exec-sh-c/Dockerfile': [],
  'sh-c-java/Dockerfile': ['ZL101:error'],
  'sh-script/Dockerfile': ['ZL103:error'],
  'copy-dot/Dockerfile': ['ZL103:error'],
  'workdir-shell/Dockerfile': [],
  'entrypoint-exec/Dockerfile': [],
  'case-dispatch/Dockerfile': [],
  'temp-server/Dockerfile': [],
  'background-left/Dockerfile': ['ZL104:error'],
  'trap-function/Dockerfile': [],
  'daemon-before-exec/Dockerfile': ['ZL108:error'],
  'tini-shell/Dockerfile': [],
  'tini-background/Dockerfile': [],
  'cmd-before-entrypoint/Dockerfile': [],
  'stopsignal-untrapped/Dockerfile': ['ZL106:warning'],
  'ignored/Dockerfile': [],
  'init-unused-jvm/Dockerfile': [],
  'multi-stage/Dockerfile.prod': ['ZL101:error'],
  'windows/Dockerfile-windows': [],
};

test('each fixture: the findings lint gives on the base its FROM names', async () => {
  for (const [f, want] of Object.entries(EXPECTED)) assert.deepEqual(ids(await lint(f)), want, f);
});

test('locations: the script line that does not exec; the line of the CMD; a comment after exec is not the final command', async () => {
  const z103 = (await lint('copy-dot/Dockerfile')).find((f) => f.id === 'ZL103')!;
  assert.match(z103.location!.file!, /copy-dot\/run\.sh$/);
  assert.equal(z103.location!.line, 4);
  assert.equal((await lint('shell-lone/Dockerfile'))[0].location!.line, 4);
  assert.equal((await lint('trap-function/Dockerfile')).find((f) => f.id === 'ZL103')!.severity, 'info', 'a trap calling a function that forwards');
  const win = await lint('windows/Dockerfile-windows');
  assert.deepEqual(win.map((f) => f.id), ['ZL002']);
});

test('inline ignore on the line before, ignore-file, and the config file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-cfg-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM debian\n# zombie-audit ignore=ZL102 reason\nCMD a && b\n');
  assert.deepEqual(ids((await lintPaths([join(dir, 'Dockerfile')], { config: none })).findings), []);
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ ignore: ['ZL101'], severity: { ZL104: 'warning' } }));
  const cfg = await loadConfig(join(dir, 'c.json'));
  assert.deepEqual(ids(await lint('shell-lone/Dockerfile', cfg)), []);
  assert.deepEqual(ids(await lint('background-left/Dockerfile', cfg)), ['ZL104:warning']);
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ severity: { ZL104: 'loud' } }));
  await assert.rejects(loadConfig(join(dir, 'bad.json')), /must be error, warning or info/);
});

test('compose: init false, a zero grace period, sh -c with a final exec, several commands under init: true; command: with the built ENTRYPOINT', async () => {
  const fs = await lint('compose/compose.yaml');
  const warnErr = fs.filter((f) => f.severity !== 'info');
  assert.deepEqual(warnErr.map((f) => [f.id, f.location!.line, f.severity]), [['ZL201', 4, 'warning'], ['ZL202', 5, 'warning']]);
  assert.equal(fs.find((f) => f.id === 'ZL102')?.severity, 'info', 'under init: true the shell is not PID 1');
  assert.deepEqual(shellSplit(`sh -c "./prepare; ./work" 'a b'`), ['sh', '-c', './prepare; ./work', 'a b']);
});

test('kubernetes: grace 0, shareProcessNamespace with tini, sh -c in a sidecar, CronJob template', async () => {
  const fs = await lint('k8s/deploy.yaml');
  assert.deepEqual(fs.filter((f) => f.severity !== 'info').map((f) => [f.id, f.location!.line]), [['ZL202', 8], ['ZL203', 9], ['ZL102', 16]]);
  assert.ok(fs.some((f) => f.id === 'ZL105' && f.location!.line === 31), 'the CronJob container is read');
});

test('file kinds by name and content', () => {
  assert.equal(kindOf('Dockerfile-debian.template'), 'dockerfile');
  assert.equal(kindOf('api.Dockerfile'), 'dockerfile');
  assert.equal(kindOf('Containerfile'), 'dockerfile');
  assert.equal(kindOf('supervisord.conf', '[supervisord]\n'), 'other');
  assert.equal(kindOf('entrypoint', '#!/bin/bash\nexec "$@"\n'), 'script');
  assert.equal(kindOf('entrypoint', '#!/usr/bin/env python3\n'), 'other');
  assert.equal(kindOf('build.txt', '# syntax=docker/dockerfile:1\nARG X\nFROM alpine\n'), 'dockerfile');
  assert.equal(kindOf('notes.txt', 'hello'), 'other');
});

test('base image families: the /bin/sh of each', () => {
  const cases: Array<[string, string]> = [['python:3.12', 'dash'], ['python:3.12-alpine', 'busybox'], ['node:20-bookworm-slim', 'dash'], ['alpine', 'busybox'],
    ['redhat/ubi9-minimal', 'bash'], ['registry.access.redhat.com/ubi9/ubi', 'bash'], ['fedora:40', 'bash'], ['amazonlinux:2', 'bash'], ['quay.io/centos/centos:stream9', 'bash'],
    ['gcr.io/distroless/java17', 'none'], ['scratch', 'none'], ['mycorp/thing:1', 'unknown'], ['docker.io/library/golang:1.22', 'dash'], ['eclipse-temurin:21-jre-alpine', 'busybox']];
  for (const [ref, sh] of cases) assert.equal(baseImageShell(ref).shell, sh, ref);
});

test('substitute: ${VAR}, ${VAR:-default}, ${VAR:+alt}, $VAR; unknown ones stay', async () => {
  const { substitute } = await import('../../../src/lint/dockerfile.js');
  const v = new Map([['A', '1'], ['E', '']]);
  assert.equal(substitute('${A}/$A/${B:-x}/${E:-y}/${A:+z}/${B:+w}/$B', v), '1/1/x/y/z//$B');
});

test('splitInstructions: continuations with comments, heredocs, the escape directive, lower-case keywords', async () => {
  const { splitInstructions } = await import('../../../src/lint/dockerfile.js');
  const df = 'FROM debian AS b\nRUN apt-get update && \\\n  # a comment inside\n  apt-get install -y tini\nRUN <<EOF\nCMD not an instruction\nEOF\ncmd ["a"]\n';
  assert.deepEqual(splitInstructions(df).map((i) => [i.keyword, i.line]), [['FROM', 0], ['RUN', 1], ['RUN', 4], ['CMD', 7]]);
  assert.match(splitInstructions(df)[1].args, /apt-get update && +apt-get install -y tini/);
  const win = '# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN a `\n  b\nCMD c:\\app.exe\n';
  assert.deepEqual(splitInstructions(win).map((i) => i.keyword), ['FROM', 'RUN', 'CMD']);
  assert.equal(splitInstructions(win)[2].args, 'c:\\app.exe');
});

test('compose command: goes to the ENTRYPOINT of the Dockerfile it builds; k8s args alone say nothing about PID 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'za-compose-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:20\nENTRYPOINT ["npm"]\n');
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    build: .\n    command: ["start"]\n');
  const fs = (await lintPaths([join(dir, 'compose.yaml')], { config: none })).findings;
  assert.deepEqual(ids(fs), ['ZL109:error'], 'npm (ENTRYPOINT) + start (command:)');
  writeFileSync(join(dir, 'k.yaml'), 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: x/y:1\n      args: ["--port", "80"]\n');
  assert.deepEqual((await lintPaths([join(dir, 'k.yaml')], { config: none })).findings, []);
});
