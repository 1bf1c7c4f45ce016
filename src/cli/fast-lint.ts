import { processIO } from './io.js';
import { LINT_FLAGS, runLint } from './lint.js';
import { runWith } from './run.js';

/**
 * lint without oclif: pre-commit runs it on every commit, so it starts from one bundle
 * (dist/lint.bundle.js) through the same pipeline as the oclif route (runWith: one parser,
 * one error path); the shell grammar is loaded only when a script is read.
 */
export async function fastLint(argv: string[]): Promise<number> {
  return runWith('lint', { flags: LINT_FLAGS, run: runLint }, argv, processIO());
}
