import { Flags, type Interfaces } from '@oclif/core';
import type { FlagSpec } from '../src/cli/audit-options.js';

/** oclif flags from a shared spec (src/cli/*-options.ts), so the fast path and oclif agree. */
export function oclifFlags(spec: Record<string, FlagSpec>): Interfaces.FlagInput {
  const out: Interfaces.FlagInput = {};
  for (const [name, f] of Object.entries(spec)) {
    const char = f.char as Interfaces.AlphabetLowercase | Interfaces.AlphabetUppercase | undefined;
    out[name] = f.type === 'boolean'
      ? Flags.boolean({ description: f.description, char, allowNo: false })
      : f.multiple
        ? Flags.string({ description: f.description, char, multiple: true, multipleNonGreedy: true })
        : Flags.string({ description: f.description, char, options: f.options ? [...f.options] : undefined, default: f.default as string | undefined });
  }
  return out;
}

/**
 * Run a command body that returns an exit code; usage errors exit 2 with a pointer to --help.
 * `exitWhenFlushed`: exit as soon as stdout and stderr are flushed, not when the event loop
 * drains (lint: nothing it loads needs to finish after its report).
 */
export async function withExit(command: string, body: () => Promise<number>, exitWhenFlushed = false): Promise<void> {
  const { UsageError } = await import('../src/cli/audit-options.js');
  try {
    process.exitCode = await body();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`zombie-audit: ${e.message}\n  see: zombie-audit ${command} --help\n`);
    process.exitCode = 2;
  }
  if (exitWhenFlushed) {
    const code = Number(process.exitCode ?? 0);
    await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))));
    process.exit(code);
  }
}
