import { Flags, type Command, type Interfaces } from '@oclif/core';
import type { FlagSpec } from '../src/cli/options.js';

/**
 * oclif flags from a command's flag table (src/cli/*), for --help and shell completion. The
 * parsing itself is done by src/cli/options.ts parseArgv on both routes (runOclif below); the
 * defaults given here are shown by --help (and applied only for a command that still calls
 * this.parse itself).
 */
export function oclifFlags(spec: Record<string, FlagSpec>): Interfaces.FlagInput {
  const out: Interfaces.FlagInput = {};
  const all: Record<string, FlagSpec> = {
    ...spec,
    'no-color': { type: 'boolean', description: 'no colour (also: NO_COLOR=1, FORCE_COLOR=0); FORCE_COLOR=1 forces it' },
  };
  for (const [name, f] of Object.entries(all)) {
    const char = f.char as Interfaces.AlphabetLowercase | Interfaces.AlphabetUppercase | undefined;
    const description = f.description;
    const def = typeof f.default === 'string' ? f.default : undefined;
    out[name] = f.type === 'boolean'
      ? Flags.boolean({ description, char, allowNo: false })
      : f.multiple
        ? Flags.string({ description, char, multiple: true, multipleNonGreedy: true })
        : Flags.string({ description, char, options: f.options ? [...f.options] : undefined, default: def });
  }
  return out;
}

/**
 * Set by the command_not_found hook: `zombie-audit <container>`, no command typed. Kept on
 * globalThis: oclif may load the hook and the command as separate module instances.
 */
export const route = ((globalThis as { zombieAuditRoute?: { implicit: boolean } }).zombieAuditRoute ??= { implicit: false });

/**
 * Run a command through the one pipeline (src/cli/run.ts): the same parser, errors and exit
 * codes as the fast path. Exits as soon as stdout and stderr are flushed (what a command loads,
 * e.g. the lint's wasm parser, need not finish after its report).
 */
export async function runOclif(command: Command, name: string): Promise<void> {
  const [{ COMMANDS }, { runWith }, { processIO }] = await Promise.all([
    import('../src/cli/commands.js'), import('../src/cli/run.js'), import('../src/cli/io.js'),
  ]);
  const code = await runWith(name, await COMMANDS[name](), command.argv, processIO(), { commands: command.config.commandIDs, implicit: route.implicit });
  await flushAndExit(code);
}

async function flushAndExit(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))));
  process.exit(code);
}

/**
 * For a command body written before runOclif (it parsed with oclif): its errors go through the
 * same reportError (one line, a hint, exit 2; JSON with --json).
 */
export async function withExit(command: string, body: () => Promise<number>, exitWhenFlushed = false): Promise<void> {
  const { reportError } = await import('../src/cli/errors.js');
  const { errorFormat } = await import('../src/cli/run.js');
  const { processIO } = await import('../src/cli/io.js');
  try {
    process.exitCode = await body();
  } catch (e) {
    process.exitCode = reportError(e, processIO(), errorFormat(process.argv.slice(2)));
  }
  if (exitWhenFlushed) await flushAndExit(Number(process.exitCode ?? 0));
}
