import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding } from '../../../../src/findings/model.js';
import type { ShellKind } from '../../../../src/lint/knowledge.js';
import { lintPaths } from '../../../../src/lint/lint.js';

/** Lint a build context given as files (the first one is linted); returns the findings. */
export async function lintFiles(files: Record<string, string>, opts: { sh?: ShellKind; lint?: string } = {}): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'za-lint-rule-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
      if (text.startsWith('#!')) chmodSync(join(dir, name), 0o755);
    }
    const first = opts.lint ?? Object.keys(files)[0];
    return (await lintPaths([join(dir, first)], { config: { ignore: [], severity: {} }, sh: opts.sh })).findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** the findings of one id, as `severity` strings */
export const of = (fs: Finding[], id: string): string[] => fs.filter((f) => f.id === id).map((f) => f.severity);
