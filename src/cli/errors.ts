import { escapeText } from '../render/escape.js';
import { toJSON } from '../render/json.js';
import { EXIT, ZaError, type EngineErrorCode } from '../engine/errors.js';
import { failedSarif } from '../render/sarif-error.js';
import type { IO } from './io.js';

/**
 * The CLI's error family. Every error any command raises ends here: one line, a hint, and the
 * exit code of the table below (README "Exit codes"); with --json the same as
 * {"error": {code, message, hint}} on stdout, with --format sarif a SARIF log whose invocation
 * failed. Engine errors are ZaError (src/engine/errors.ts); the CLI adds its own codes.
 */
export type CliErrorCode = EngineErrorCode | 'INPUT' | 'INTERNAL';

export class CliError extends ZaError {
  constructor(code: CliErrorCode, message: string, hint?: string) {
    super(code as EngineErrorCode, message, hint);
  }
}

/** Bad arguments, flags or environment: exit 2, with the command's help as the hint. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, hint);
  }
}

/** A file named on the command line that cannot be read or parsed. */
export class InputError extends CliError {
  constructor(message: string, hint?: string) {
    super('INPUT', message, hint);
  }
}

/** The documented exit codes, one table for every command (README "Exit codes"). */
export const EXIT_CODES = [
  { code: EXIT.OK, meaning: 'no finding at or above --fail-on (fix: fixed, or a dry run; watch: ended by --count or --duration)' },
  { code: EXIT.FINDINGS, meaning: 'findings at or above --fail-on (fix: the fixed container still has errors; watch: a limit passed)' },
  { code: EXIT.ERROR, meaning: 'usage error, unreadable input, or an error reaching or using the engine (watch: the container stopped)' },
  { code: 130, meaning: 'interrupted (Ctrl-C); whatever the tool started is removed first' },
] as const;

export function toZaError(err: unknown): ZaError {
  if (err instanceof ZaError) return err;
  // node's own errors that reach here are about inputs the user named (ENOENT, EACCES, EISDIR)
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && typeof e.path === 'string') {
    return new InputError(`${e.path}: ${e.code === 'ENOENT' ? 'no such file or folder' : e.code === 'EACCES' ? 'permission denied' : e.message}`,
      'check the path (relative to the working folder)');
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new CliError('INTERNAL', msg, 'this is a bug: please report it with the command line (ZOMBIE_AUDIT_DEBUG=1 prints the stack)');
}

/** How the error is written: the output format the command was asked for. */
export type ErrorFormat = 'text' | 'json' | 'sarif' | 'github';

/**
 * Print an error the way every command does: `zombie-audit: <message>` and `  hint: <hint>` on
 * stderr; JSON (or a failed SARIF run) on stdout when that was asked for. Returns the exit code.
 */
export function reportError(err: unknown, io: IO, format: ErrorFormat | boolean = 'text'): number {
  const e = toZaError(err);
  const fmt: ErrorFormat = format === true ? 'json' : format === false ? 'text' : format;
  if (fmt === 'json') io.stdout.write(toJSON({ error: e.toJSON() }));
  else if (fmt === 'sarif') io.stdout.write(failedSarif(e));
  else if (fmt === 'github') io.stdout.write(`::error title=zombie-audit ${e.code}::${escapeGithub(e.message + (e.hint ? ` (${e.hint})` : ''))}\n`);
  // a message may quote a container's name or output: never raw on the terminal
  io.stderr.write(`zombie-audit: ${escapeText(e.message)}\n`);
  if (e.hint) io.stderr.write(`  hint: ${escapeText(e.hint)}\n`);
  if (io.env.ZOMBIE_AUDIT_DEBUG === '1' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return EXIT.ERROR;
}

function escapeGithub(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
