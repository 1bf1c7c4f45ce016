import { ZaError } from '../engine/errors.js';
import { reportError, UsageError, type ErrorFormat } from './errors.js';
import type { IO } from './io.js';
import { didYouMean, envWith, parseArgv, type FlagTable } from './options.js';

/** A command as both routes run it: its flag table and its body (parsed flags and args in, exit code out). */
export interface CommandDef {
  flags: FlagTable;
  run(flags: Record<string, unknown>, args: string[], io: IO): Promise<number>;
}

export interface RunContext {
  /** the command ids (for "did you mean" when a container name looks like a mistyped command) */
  commands?: readonly string[];
  /** the command was not typed: `zombie-audit <container>` runs the audit */
  implicit?: boolean;
}

/** The output format an error is written in, read from argv before parsing (so parse errors follow it too). */
export function errorFormat(argv: readonly string[]): ErrorFormat {
  let fmt: ErrorFormat = 'text';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    const v = a === '--format' ? argv[i + 1] : a.startsWith('--format=') ? a.slice(9) : undefined;
    if (a === '--json') return 'json';
    if (v === 'json' || v === 'sarif' || v === 'github') fmt = v;
  }
  return fmt;
}

/**
 * The one pipeline every command runs through, on both routes: parse argv against the
 * command's flag table, run it, and turn any error into one line + a hint + exit 2 (JSON with
 * --json, a failed SARIF run with --format sarif). Returns the exit code.
 */
export async function runWith(name: string, def: CommandDef, argv: readonly string[], io: IO, ctx: RunContext = {}): Promise<number> {
  const format = errorFormat(argv);
  try {
    const { flags, args } = parseArgv(name, def.flags, argv, io.env);
    return await def.run(flags, args, { ...io, env: envWith(flags, io.env) });
  } catch (err) {
    const e = err instanceof UsageError && !err.hint ? new UsageError(err.message, `see: zombie-audit ${name} --help`) : err;
    return reportError(notACommand(e, argv, ctx), io, format);
  }
}

/** `zombie-audit lnt`: neither a command nor a container: say so, and name the command it is near. */
function notACommand(err: unknown, argv: readonly string[], ctx: RunContext): unknown {
  if (!ctx.implicit || !ctx.commands || !(err instanceof ZaError) || err.code !== 'NOT_FOUND') return err;
  const word = argv.find((a) => !a.startsWith('-'));
  if (!word || !err.message.includes(JSON.stringify(word))) return err;
  const near = didYouMean(word, ctx.commands);
  if (!near) return err;
  return new ZaError('NOT_FOUND', `"${word}" is neither a command nor a container`,
    `did you mean \`zombie-audit ${near}\`? (commands: zombie-audit --help; containers: docker ps)`);
}
