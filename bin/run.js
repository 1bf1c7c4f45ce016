#!/usr/bin/env node
// Entry point. The audit (`zombie-audit <container>` or `zombie-audit audit ...`) takes a fast
// path that does not load oclif; everything else (other commands, --help, --version) runs oclif.
// ZOMBIE_AUDIT_NO_FAST_PATH=1 sends the audit through oclif too (its command_not_found hook).
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);

function commandIds() {
  try {
    const m = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'));
    // command ids and their topics (shim:export -> shim)
    return new Set(Object.keys(m.commands).flatMap((id) => [id, id.split(':')[0]]));
  } catch {
    return undefined;
  }
}

async function fastLint(args) {
  const { LINT_FLAGS, runLint } = await import('../dist/lint.bundle.js').catch(() => import('../dist/src/cli/lint.js'));
  const { parseArgs } = await import('node:util');
  const options = {};
  for (const [name, f] of Object.entries(LINT_FLAGS)) options[name] = { type: f.type, ...(f.char ? { short: f.char } : {}), ...(f.multiple ? { multiple: true } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  for (const [name, f] of Object.entries(LINT_FLAGS)) {
    if (parsed.values[name] === undefined && f.default !== undefined) parsed.values[name] = f.default;
    if (f.options && parsed.values[name] !== undefined && !f.options.includes(parsed.values[name])) return undefined; // oclif says what is allowed
  }
  try {
    return await runLint(parsed.values, parsed.positionals, { stdout: process.stdout, stderr: process.stderr, env: process.env });
  } catch (e) {
    if (e && e.constructor && /^UsageError/.test(e.constructor.name)) {
      process.stderr.write(`zombie-audit: ${e.message}\n  see: zombie-audit lint --help\n`);
      return 2;
    }
    throw e;
  }
}

async function main() {
  const wantsOclif = argv.length === 0 || process.env.ZOMBIE_AUDIT_NO_FAST_PATH === '1' || argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === 'help');
  if (!wantsOclif && argv[0] === 'lint') {
    // lint without oclif (pre-commit runs it on every commit): one bundle, the shell grammar loaded only
    // when a script is read. Anything the fast parser does not take (a parse error) goes to oclif.
    const code = await fastLint(argv.slice(1));
    if (code !== undefined) {
      process.exitCode = code;
      return;
    }
  }
  if (!wantsOclif) {
    const ids = commandIds();
    const first = argv[0];
    const isAudit = first === 'audit' || first.startsWith('-') || (ids !== undefined && !ids.has(first));
    if (isAudit) {
      // one bundled file (npm run build): fewer module loads on the path people type in an incident
      const { fastAudit } = await import('../dist/fast.bundle.js').catch(() => import('../dist/src/cli/fast.js'));
      const code = await fastAudit(first === 'audit' ? argv.slice(1) : argv);
      if (code !== undefined) {
        process.exitCode = code;
        return;
      }
    }
  }
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}

await main();
