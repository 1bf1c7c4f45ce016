import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseStat } from '../../../src/proc/stat.js';

const FIX = new URL('../../../../test/fixtures/proc/', import.meta.url);

test('parses a zombie line captured from a container', () => {
  const s = parseStat('10 (app) Z 1 1 1 0 -1 4227148 3 0 0 0 0 0 0 0 20 0 1 0 120649 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 1 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0');
  assert.deepEqual(s, { pid: 10, comm: 'app', state: 'Z', ppid: 1, pgrp: 1, session: 1, threads: 1, startTicks: 120649, rssPages: 0 });
});

test('splits at the last ")" when the name holds spaces and parentheses', () => {
  const text = readFileSync(new URL('odd-names.txt', FIX), 'latin1');
  const line = text.split('\n').find((l) => /^\d+ \(we.* Z /.test(l))!;
  const s = parseStat(line)!;
  assert.equal(s.comm, 'we(ird) )name');
  assert.equal(s.state, 'Z');
  const parent = parseStat(text.split('\n').find((l) => /^\d+ \(we.* S /.test(l))!)!;
  assert.equal(s.ppid, parent.pid);
});

test('a name made of ") Z 1" does not fool the parser', () => {
  const s = parseStat('42 (x) Z 1 (y) S 7 42 42 0 -1 4194304 30 0 0 0 0 0 0 0 20 0 1 0 126965 208896 0 18446744073709551615 0 0 0 0 0 0 0 0 0 1 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0')!;
  assert.equal(s.comm, 'x) Z 1 (y');
  assert.equal(s.state, 'S');
  assert.equal(s.ppid, 7);
});

test('rejects lines that are not stat lines', () => {
  assert.equal(parseStat(''), undefined);
  assert.equal(parseStat('hello world'), undefined);
  assert.equal(parseStat('12 (x) S 1'), undefined);
  assert.equal(parseStat('abc (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0 0'), undefined);
});
