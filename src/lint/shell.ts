import { createRequire } from 'node:module';
import type { Node as TSNode, Parser as TSParser } from 'web-tree-sitter';
import { daemonizes, KNOWN_SHELLS, type KnownShell } from './knowledge.js';

/**
 * What a shell script (an entrypoint script, or the string of `sh -c`) does with PID 1, from
 * tree-sitter-bash's full tree (web-tree-sitter, no native binding, loaded on first use): whether
 * every path ends in an `exec` of the final command (following if/elif/else and case branches and the
 * script's own functions), which shells exec the final command implicitly when the text is an
 * `sh -c` string (knowledge.ts, measured), the background jobs and daemons it starts and whether they
 * are stopped before the end, the signals it traps and whether the trap forwards them.
 */
export interface FinalCommand {
  /** an explicit `exec CMD` */
  exec: boolean;
  /** the command's text, cut */
  text: string;
  /** its words, quotes removed, `exec` dropped (for following it: a script, a wrapper, a runtime) */
  argv: string[];
  /** 1-based */
  line: number;
}

export interface ScriptFacts {
  /** one entry per path through the script's end; empty when the script runs nothing */
  finals: FinalCommand[];
  /** background jobs; `stopped`: the script kills/waits for it (or stops the server) later */
  backgrounds: Array<{ text: string; line: number; stopped: boolean }>;
  /** commands that start a daemon and return (`service x start`, `nginx`), and whether it is stopped later */
  daemons: Array<{ text: string; line: number; stopped: boolean }>;
  /** signals trapped with a non-empty action, e.g. TERM, INT; `forwards`: the action (or a function it calls) signals or stops another process */
  traps: Array<{ signals: string[]; action: string; line: number; forwards: boolean }>;
  waits: boolean;
  /** top-level statements */
  statements: number;
  /** one simple command and nothing else */
  simple: boolean;
  /** as an `sh -c` string: does each shell exec the final command by itself (measured, knowledge.ts) */
  implicitExec: Record<KnownShell, boolean>;
  /** the first syntax error (1-based line) */
  syntaxError?: { line: number; text: string };
}

/** Signals a trap forwards to another process (its action, or a function it calls, kills or stops it). */
export function forwardedSignals(f: ScriptFacts): string[] {
  return f.traps.filter((t) => t.forwards).flatMap((t) => t.signals);
}

let parser: Promise<TSParser> | undefined;

/** one parser, loaded once even when several analyses start at the same time */
function getParser(): Promise<TSParser> {
  parser ??= loadParser();
  return parser;
}

async function loadParser(): Promise<TSParser> {
  // V8 otherwise optimises the grammar's WebAssembly with TurboFan on the main thread before the
  // next task runs: measured here, a 400 ms stall after the first parse (437 ms to the next
  // timer, 32 ms with --liftoff-only). Baseline (Liftoff) code is plenty for entrypoint scripts.
  (await import('node:v8')).setFlagsFromString('--liftoff-only');
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('tree-sitter-bash/tree-sitter-bash.wasm');
  const lang = await Language.load(wasm);
  const p = new Parser();
  p.setLanguage(lang);
  return p;
}

const TRIVIAL = new Set(['comment', 'heredoc_body']);
const NOOP_COMMANDS = new Set([':', 'true', 'set', 'return', 'echo', 'printf', 'shift', 'export', 'unset', 'umask', 'ulimit', 'cd', 'trap', 'local', 'declare', 'readonly', 'log', 'source', '.', 'test', '[', '[[', 'sync']);
/** what stops a job or a temporary server started earlier (the database images' temp-server pattern) */
const STOP_COMMAND = /^(kill|killall|pkill|wait)\s+\S|^(pg_ctl|pg_ctlcluster)\b.*\bstop\b|^mysqladmin\b.*\bshutdown\b|^mongod?\b.*--shutdown|^(redis-cli|valkey-cli)\b.*\bshutdown\b|^(service|rc-service)\s+\S+\s+stop\b|^\/etc\/init\.d\/\S+\s+stop\b|^nginx\s.*-s\s+(stop|quit)|^(supervisorctl|s6-svc|sv)\b/;

function statementsOf(n: TSNode): TSNode[] {
  return n.namedChildren.filter((c): c is TSNode => !!c && !TRIVIAL.has(c.type));
}

function cut(s: string, max = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

function commandName(cmd: TSNode): string {
  return unquote(cmd.childForFieldName('name')?.text ?? '');
}

function unquote(s: string): string {
  return s.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1').replace(/\\(.)/g, '$1');
}

/** the words of a command: name and arguments, quotes removed (expansions kept as written) */
function wordsOf(cmd: TSNode): string[] {
  const out: string[] = [];
  for (const c of cmd.namedChildren) {
    if (!c || c.type === 'variable_assignment' || c.type === 'file_redirect' || c.type === 'herestring_redirect' || c.type === 'heredoc_redirect') continue;
    out.push(c.type === 'concatenation' ? c.text.replace(/"([^"]*)"|'([^']*)'/g, '$1$2') : unquote(c.text));
  }
  return out;
}

/** `exec` with a command to run (not `exec >log 2>&1`, which only redirects) */
function isExec(cmd: TSNode): boolean {
  if (commandName(cmd) !== 'exec') return false;
  return cmd.namedChildren.some((c) => c && c.type !== 'command_name' && c.type !== 'file_redirect' && !/^-[a-z]+$/.test(c.text));
}

function execArgv(words: string[]): string[] {
  if (words[0] !== 'exec') return words;
  let i = 1;
  while (i < words.length && /^-[acl]+$/.test(words[i])) i += words[i].includes('a') ? 2 : 1;
  return words.slice(i);
}

/** words only (no quotes, expansions, operators, redirects): one simple command, no parser needed */
const PLAIN = /^[\w\s./:=@%+,-]*$/;

export async function analyzeScript(text: string): Promise<ScriptFacts> {
  if (PLAIN.test(text) && text.trim() && !text.includes('\n')) {
    const words = text.trim().split(/\s+/);
    const exec = words[0] === 'exec' && words.length > 1;
    const argv = exec ? execArgv(words) : words.filter((w, i) => !(i < words.length - 1 && /^[A-Za-z_]\w*=/.test(w) && words.slice(0, i).every((x) => /^[A-Za-z_]\w*=/.test(x))));
    return {
      finals: [{ exec, text: cut(text), argv, line: 1 }], backgrounds: [], daemons: [], traps: [], waits: argv[0] === 'wait',
      statements: 1, simple: true, implicitExec: { dash: false, bash: true, busybox: true },
    };
  }
  const p = await getParser();
  const tree = p.parse(text);
  if (!tree) throw new Error('tree-sitter could not parse the script');
  const root = tree.rootNode;
  const functions = new Map<string, TSNode>();
  const backgrounds: Array<{ text: string; line: number; stopped: boolean }> = [];
  const daemons: Array<{ text: string; line: number; stopped: boolean }> = [];
  const rawTraps: Array<{ signals: string[]; action: string; line: number }> = [];
  const stopLines: number[] = [];
  let waits = false;
  let anyTrap = false;
  let syntaxError: ScriptFacts['syntaxError'];

  const walk = (n: TSNode, inSubst: boolean): void => {
    if ((n.type === 'ERROR' || n.isMissing) && !syntaxError) syntaxError = { line: n.startPosition.row + 1, text: cut(n.text || n.type, 40) };
    if (n.type === 'function_definition') {
      const name = n.childForFieldName('name')?.text;
      const body = n.childForFieldName('body');
      if (name && body) functions.set(name, body);
    }
    const sub = inSubst || n.type === 'command_substitution' || n.type === 'process_substitution';
    if (n.type === 'command') {
      const name = commandName(n);
      const words = wordsOf(n);
      const line = n.startPosition.row + 1;
      if (name === 'wait') waits = true;
      if (STOP_COMMAND.test(execArgv(words).join(' '))) stopLines.push(line);
      if (name === 'trap') {
        anyTrap = true;
        const args = words.slice(1);
        if (args.length >= 2 && args[0] !== '-' && args[0] !== '' && !/^-?[lp]$/.test(args[0])) {
          rawTraps.push({ action: args[0], signals: args.slice(1).map((s) => s.toUpperCase().replace(/^SIG/, '')), line });
        }
      }
      const next = n.nextSibling;
      const bg = next?.type === '&';
      if (!sub && !bg && name !== 'exec' && daemonizes(words)) daemons.push({ text: cut(n.text), line, stopped: false });
    }
    const next = n.nextSibling;
    if (next && next.type === '&' && n.isNamed && n.type !== 'comment') backgrounds.push({ text: cut(n.text), line: n.startPosition.row + 1, stopped: false });
    for (const c of n.children) if (c) walk(c, sub);
  };
  walk(root, false);

  // a trap forwards when its action, or a function it calls (3 levels), kills or stops something
  const forwardsText = (action: string, depth: number): boolean => {
    if (/\b(kill|killall|pkill|pg_ctl|mysqladmin|supervisorctl|s6-svc|nginx\s+-s)\b/.test(action)) return true;
    if (depth > 3) return false;
    for (const [name, body] of functions) {
      if (new RegExp(`(^|[\\s;&|({])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s;&|)}])`).test(action) && forwardsText(body.text, depth + 1)) return true;
    }
    return false;
  };
  const traps = rawTraps.map((t) => ({ ...t, forwards: forwardsText(t.action, 0) }));
  // a job or daemon is stopped when a stop command (kill PID, wait PID, pg_ctl stop, ...) comes after it,
  // or sits in a function (the temp-server helpers are functions called later)
  const functionRanges = [...functions.values()].map((b) => [b.startPosition.row + 1, b.endPosition.row + 1]);
  const inFunction = (l: number) => functionRanges.some(([a, b]) => l >= a && l <= b);
  const stoppedAfter = (l: number) => stopLines.some((s) => s > l || (inFunction(s) && s !== l));
  for (const b of backgrounds) b.stopped = stoppedAfter(b.line);
  for (const d of daemons) d.stopped = stoppedAfter(d.line);

  const seen = new Set<string>();
  const finalsOf = (block: TSNode[], depth: number): FinalCommand[] => {
    const stmts = block.filter((s) => !TRIVIAL.has(s.type) && !(s.type === 'command' && NOOP_COMMANDS.has(commandName(s))) && s.type !== 'function_definition');
    // `exit` at the end: the path ends at the command before it
    while (stmts.length && stmts[stmts.length - 1].type === 'command' && commandName(stmts[stmts.length - 1]) === 'exit') stmts.pop();
    const last = stmts.at(-1);
    if (!last) return [];
    return finalOf(last, depth);
  };
  const finalOf = (s: TSNode, depth: number): FinalCommand[] => {
    const line = s.startPosition.row + 1;
    const plain = (): FinalCommand[] => [{ exec: false, text: cut(s.text), argv: s.type === 'command' ? wordsOf(s) : [], line }];
    if (depth > 8) return plain();
    if (s.type === 'command') {
      if (isExec(s)) return [{ exec: true, text: cut(s.text), argv: execArgv(wordsOf(s)), line }];
      const name = commandName(s);
      const fn = functions.get(name);
      if (fn && !seen.has(name)) {
        seen.add(name);
        const r = finalsOf(statementsOf(fn), depth + 1);
        seen.delete(name);
        if (r.length) return r;
      }
      return plain();
    }
    if (s.type === 'redirected_statement') {
      const body = s.childForFieldName('body');
      return body ? finalOf(body, depth + 1) : plain();
    }
    if (s.type === 'if_statement') {
      const out: FinalCommand[] = [];
      const cond = s.childForFieldName('condition');
      const body = s.namedChildren.filter((c): c is TSNode => !!c);
      const thenBlock = body.filter((c) => c !== cond && c.type !== 'elif_clause' && c.type !== 'else_clause' && c.startIndex >= (cond?.endIndex ?? 0));
      out.push(...finalsOf(thenBlock, depth + 1));
      for (const c of body) {
        if (c.type === 'elif_clause') {
          const cc = c.childForFieldName('condition');
          out.push(...finalsOf(statementsOf(c).filter((x) => x !== cc && x.startIndex >= (cc?.endIndex ?? 0)), depth + 1));
        }
        if (c.type === 'else_clause') out.push(...finalsOf(statementsOf(c), depth + 1));
      }
      // no else: when the condition is false the script simply ends (the container stops)
      return out;
    }
    if (s.type === 'case_statement') {
      const out: FinalCommand[] = [];
      for (const item of s.namedChildren) {
        if (!item || item.type !== 'case_item') continue;
        const value = item.childForFieldName('value');
        out.push(...finalsOf(statementsOf(item).filter((x) => x !== value && x.startIndex >= (value?.endIndex ?? 0) && x.type !== 'word' && x.type !== 'extglob_pattern'), depth + 1));
      }
      return out;
    }
    if (s.type === 'compound_statement') return finalsOf(statementsOf(s), depth + 1);
    // `a && exec b`: on the path that gets there, the last command is exec'd
    if (s.type === 'list') {
      const lastPart = statementsOf(s).at(-1);
      if (lastPart) return finalOf(lastPart, depth + 1);
    }
    // pipelines, loops, subshells: the shell stays to run or wait for them
    return plain();
  };

  // `sh -c STRING`: does the shell exec the last command itself (measured; knowledge.ts)
  const bashTail = (n: TSNode): boolean => {
    if (n.type === 'command') return !functions.has(commandName(n));
    if (n.type === 'list') { const l = statementsOf(n).at(-1); return !!l && bashTail(l); }
    return false;
  };
  const busyboxTail = (n: TSNode, depth = 0): boolean => {
    if (depth > 8) return false;
    if (n.type === 'command') return !functions.has(commandName(n));
    if (n.type === 'redirected_statement') { const b = n.childForFieldName('body'); return !!b && busyboxTail(b, depth + 1); }
    if (n.type === 'list' || n.type === 'compound_statement') { const l = statementsOf(n).at(-1); return !!l && busyboxTail(l, depth + 1); }
    if (n.type === 'if_statement' || n.type === 'case_statement') {
      const fs = finalOf(n, 0);
      return fs.length > 0 && fs.every((f) => f.exec || f.argv.length > 0);
    }
    return false;
  };
  const top = statementsOf(root);
  const run = top.filter((s) => s.type !== 'function_definition');
  const lastTop = run.at(-1);
  // a trailing `echo done` / `exit 0` keeps the shell for the command before it
  const trailingNoop = !!lastTop && lastTop.type === 'command' && (NOOP_COMMANDS.has(commandName(lastTop)) || commandName(lastTop) === 'exit') && run.length > 1;
  const clean = !anyTrap && backgrounds.length === 0 && !!lastTop && !trailingNoop;
  const implicitExec = Object.fromEntries(KNOWN_SHELLS.map((k) => [k,
    k === 'dash' ? false : k === 'bash' ? clean && bashTail(lastTop!) : clean && busyboxTail(lastTop!)])) as Record<KnownShell, boolean>;
  return {
    finals: finalsOf(top, 0), backgrounds, daemons, traps, waits,
    statements: run.length,
    simple: run.length === 1 && run[0].type === 'command' && backgrounds.length === 0,
    implicitExec, syntaxError,
  };
}

/** A Python entrypoint: does it hand over to another program (os.exec*)? Simple text patterns only. */
export function analyzePython(text: string): { execs: boolean; line?: number } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => /^\s*(os\.)?exec(v|l)p?e?\s*\(/.test(l.replace(/#.*$/, '')) && /\bexec(v|l)p?e?\s*\(/.test(l));
  return i >= 0 ? { execs: true, line: i + 1 } : { execs: false };
}

/** The language of a script by its shebang (or extension): shell scripts are parsed, others are not. */
export function scriptLanguage(text: string, path: string): 'shell' | 'python' | 'other' {
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  if (m) {
    const prog = (m[1].endsWith('/env') ? (m[2] === '-S' ? text.split('\n')[0].split(/\s+/)[2] : m[2]) : m[1]) ?? '';
    const b = prog.slice(prog.lastIndexOf('/') + 1);
    if (/^(sh|bash|dash|ash|busybox|ksh|mksh|zsh)$/.test(b)) return 'shell';
    if (/^python[0-9.]*$/.test(b)) return 'python';
    return 'other';
  }
  if (/\.(sh|bash)$/.test(path)) return 'shell';
  if (/\.py$/.test(path)) return 'python';
  return 'other';
}
