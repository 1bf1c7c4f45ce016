import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintFiles, of } from './helpers.js';

// ZL101: a lone command under sh -c that /bin/sh does not exec (dash, measured: test/lint-proof/)
test('ZL101 fires: shell-form lone command on Debian-family bases (dash) is an error', async () => {
  for (const from of ['python:3.12', 'node:20', 'openjdk:11-jdk', 'openjdk:17-jdk-slim', 'golang:1.22', 'ruby:3.3', 'php:8.3-apache', 'debian:bookworm-slim', 'ubuntu:22.04', 'python:3.11-slim-bookworm']) {
    assert.deepEqual(of(await lintFiles({ Dockerfile: `FROM ${from}\nCMD python app.py\n` }), 'ZL101'), ['error'], from);
  }
  // ["sh", "-c", "java ... -jar app.jar"] on a Debian base: dash keeps sh as PID 1
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM eclipse-temurin:17-jre\nENTRYPOINT ["sh", "-c", "java $JAVA_OPTS -jar /app.jar"]\n' }), 'ZL101'), ['error']);
});

test('ZL101 does not fire where the shell execs a lone command (Alpine, UBI, bash -c) or with exec', async () => {
  for (const from of ['alpine:3.20', 'python:3.12-alpine', 'node:20-alpine3.19', 'redhat/ubi9', 'fedora:40', 'amazonlinux:2023', 'rockylinux:9', 'registry.access.redhat.com/ubi8/ubi-minimal', 'openjdk:17-jdk', 'mysql:8.0']) {
    assert.deepEqual(of(await lintFiles({ Dockerfile: `FROM ${from}\nCMD python app.py\n` }), 'ZL101'), [], from);
  }
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM debian\nCMD exec python app.py\n' }), 'ZL101'), []);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM debian\nCMD ["bash", "-c", "python app.py"]\n' }), 'ZL101'), [], 'bash execs a lone command');
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM debian\nSHELL ["/bin/bash", "-c"]\nCMD python app.py\n' }), 'ZL101'), [], 'SHELL bash');
});

test('ZL101 is a warning naming the missing fact when /bin/sh is unknown; info under an init', async () => {
  const fs = await lintFiles({ Dockerfile: 'FROM mycorp/base:1\nCMD ./server\n' });
  assert.deepEqual(of(fs, 'ZL101'), ['warning']);
  assert.match(fs.find((f) => f.id === 'ZL101')!.evidence.join(' '), /missing fact: the image's \/bin\/sh/);
  assert.deepEqual(of(await lintFiles({ Dockerfile: 'FROM debian\nENTRYPOINT ["tini", "--"]\nCMD ./server\n' }), 'ZL101'), ['info']);
});
