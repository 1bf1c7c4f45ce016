import { createRequire } from 'node:module';
import type { Node as TSNode, Parser as TSParser } from 'web-tree-sitter';

/**
 * What a shell script (an entrypoint script, or the string of `sh -c`) does with PID 1, from
 * tree-sitter-bash's full tree (web-tree-sitter, no native binding): whether every path ends in
 * an `exec` of the final command (following if/elif/else branches and the script's own
 * functions), the background jobs it starts, the signals it traps and whether it waits.
 */
export interface FinalCommand {
  exec: boolean;
  /** the command's text, cut */
  text: string;
  /** 1-based */
  line: number;
}

/** A trap whose action signals another process (kill ...): the script forwards those signals. */
export function forwardedSignals(f: ScriptFacts): string[] {
  return f.traps.filter((t) => /\bkill\b/.test(t.action)).flatMap((t) => t.signals);
}

export interface ScriptFacts {
  /** one entry per path through the script's end; empty when the script runs nothing */
  finals: FinalCommand[];
  backgrounds: Array<{ text: string; line: number }>;
  /** signals trapped with a non-empty action, e.g. TERM, INT */
  traps: Array<{ signals: string[]; action: string; line: number }>;
  waits: boolean;
  /** top-level statements (for `sh -c` strings: more than one means the shell stays) */
  statements: number;
  /** one simple command and nothing else (what `sh -c` execs by itself in bash, dash and busybox) */
  simple: boolean;
  parseErrors: boolean;
}

let parser: TSParser | undefined;

async function getParser(): Promise<TSParser> {
  if (parser) return parser;
  // V8 otherwise optimises the grammar's WebAssembly with TurboFan on the main thread before the
  // next task runs: measured here, a 400 ms stall after the first parse (437 ms to the next
  // timer, 32 ms with --liftoff-only). Baseline (Liftoff) code is plenty for entrypoint scripts.
  (await import('node:v8')).setFlagsFromString('--liftoff-only');
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('tree-sitter-bash/tree-sitter-bash.wasm');
  const lang = await Language.load(wasm);
  parser = new Parser();
  parser.setLanguage(lang);
  return parser;
}

const TRIVIAL = new Set(['comment', 'heredoc_body']);
const NOOP_COMMANDS = new Set([':', 'true', 'exit', 'set', 'return']);

function statementsOf(n: TSNode): TSNode[] {
  return n.namedChildren.filter((c): c is TSNode => !!c && !TRIVIAL.has(c.type));
}

function cut(s: string, max = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

function commandName(cmd: TSNode): string {
  return cmd.childForFieldName('name')?.text ?? '';
}

/** `exec` with a command to run (not `exec >log 2>&1`, which only redirects) */
function isExec(cmd: TSNode): boolean {
  if (commandName(cmd) !== 'exec') return false;
  return cmd.namedChildren.some((c) => c && c.type !== 'command_name' && c.type !== 'file_redirect' && !/^-[a-z]+$/.test(c.text));
}

export async function analyzeScript(text: string): Promise<ScriptFacts> {
  const p = await getParser();
  const tree = p.parse(text);
  if (!tree) throw new Error('tree-sitter could not parse the script');
  const root = tree.rootNode;
  const functions = new Map<string, TSNode>();
  const backgrounds: ScriptFacts['backgrounds'] = [];
  const traps: ScriptFacts['traps'] = [];
  let waits = false;

  const walk = (n: TSNode): void => {
    if (n.type === 'function_definition') {
      const name = n.childForFieldName('name')?.text;
      const body = n.childForFieldName('body');
      if (name && body) functions.set(name, body);
    }
    if (n.type === 'command') {
      const name = commandName(n);
      if (name === 'wait') waits = true;
      if (name === 'trap') {
        const args = n.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'command_name').map((c) => c.text.replace(/^['"]|['"]$/g, ''));
        if (args.length >= 2 && args[0] !== '-') {
          traps.push({ action: args[0], signals: args.slice(1).map((s) => s.toUpperCase().replace(/^SIG/, '')), line: n.startPosition.row + 1 });
        }
      }
    }
    const next = n.nextSibling;
    if (next && next.type === '&' && n.isNamed && n.type !== 'comment') backgrounds.push({ text: cut(n.text), line: n.startPosition.row + 1 });
    for (const c of n.children) if (c) walk(c);
  };
  walk(root);

  const seen = new Set<string>();
  const finalsOf = (block: TSNode[], depth: number): FinalCommand[] => {
    const stmts = block.filter((s) => !(s.type === 'command' && NOOP_COMMANDS.has(commandName(s)) && commandName(s) !== 'exit') && s.type !== 'function_definition');
    // `exit` at the end: the path ends at the command before it
    while (stmts.length && stmts[stmts.length - 1].type === 'command' && commandName(stmts[stmts.length - 1]) === 'exit') stmts.pop();
    const last = stmts.at(-1);
    if (!last) return [];
    return finalOf(last, depth);
  };
  const finalOf = (s: TSNode, depth: number): FinalCommand[] => {
    const line = s.startPosition.row + 1;
    if (depth > 8) return [{ exec: false, text: cut(s.text), line }];
    if (s.type === 'command') {
      if (isExec(s)) return [{ exec: true, text: cut(s.text), line }];
      const fn = functions.get(commandName(s));
      if (fn && !seen.has(commandName(s))) {
        seen.add(commandName(s));
        const r = finalsOf(statementsOf(fn), depth + 1);
        seen.delete(commandName(s));
        if (r.length) return r;
      }
      return [{ exec: false, text: cut(s.text), line }];
    }
    if (s.type === 'if_statement') {
      const out: FinalCommand[] = [];
      const body = s.namedChildren.filter((c): c is TSNode => !!c);
      // the "then" block: statements after the condition up to the first elif/else
      const thenBlock = body.filter((c) => c !== s.childForFieldName('condition') && c.type !== 'elif_clause' && c.type !== 'else_clause' && c.startIndex > (s.childForFieldName('condition')?.endIndex ?? 0));
      out.push(...finalsOf(thenBlock, depth + 1));
      for (const c of body) {
        if (c.type === 'elif_clause') out.push(...finalsOf(statementsOf(c).filter((x) => x !== c.childForFieldName('condition') && x.startIndex > (c.childForFieldName('condition')?.endIndex ?? 0)), depth + 1));
        if (c.type === 'else_clause') out.push(...finalsOf(statementsOf(c), depth + 1));
      }
      // no else: when the condition is false the script simply ends (the container stops):
      // not a path on which a shell stays PID 1
      return out;
    }
    if (s.type === 'compound_statement') return finalsOf(statementsOf(s), depth + 1);
    // `a && exec b`: on the path that gets there, the last command is exec'd
    if (s.type === 'list') {
      const parts = statementsOf(s);
      const lastPart = parts.at(-1);
      if (lastPart) return finalOf(lastPart, depth + 1);
    }
    // lists, pipelines, loops, case: the shell stays to run or wait for them
    return [{ exec: false, text: cut(s.text), line }];
  };
  const top = statementsOf(root);
  const run = top.filter((s) => s.type !== 'function_definition');
  return {
    finals: finalsOf(top, 0), backgrounds, traps, waits,
    statements: run.length,
    simple: run.length === 1 && run[0].type === 'command' && backgrounds.length === 0,
    parseErrors: root.hasError,
  };
}
