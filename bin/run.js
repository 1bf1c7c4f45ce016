#!/usr/bin/env node
// Entry point. The audit (`zombie-audit <container>` or `zombie-audit audit ...`) takes a fast
// path that does not load oclif; everything else (other commands, help, version, completion)
// runs oclif. Both routes parse and report errors with the same code (src/cli/run.ts).
// ZOMBIE_AUDIT_NO_FAST_PATH=1 sends the audit through oclif too (its command_not_found hook).
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);

// commands that come from oclif's plugins (not in our manifest)
const PLUGIN_COMMANDS = ['help', 'version', 'autocomplete'];

function commandIds() {
  try {
    const m = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'));
    // command ids and their topics (shim:export -> shim)
    return [...new Set([...PLUGIN_COMMANDS, ...Object.keys(m.commands).flatMap((id) => [id, id.split(':')[0]])])];
  } catch {
    return undefined;
  }
}

async function main() {
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  const first = argv[0];
  const wantsOclif = argv.length === 0 || process.env.ZOMBIE_AUDIT_NO_FAST_PATH === '1'
    || flags.some((a) => a === '--help' || a === '-h') || first === '--version' || PLUGIN_COMMANDS.includes(first);
  if (!wantsOclif && first === 'lint') {
    // lint without oclif (pre-commit runs it on every commit): one bundle, the same pipeline
    const { fastLint } = await import('../dist/lint.bundle.js').catch(() => import('../dist/src/cli/fast-lint.js'));
    process.exitCode = await fastLint(argv.slice(1));
    return;
  }
  if (!wantsOclif) {
    const ids = commandIds();
    const isAudit = first === 'audit' || first.startsWith('-') || (ids !== undefined && !ids.includes(first));
    if (isAudit) {
      // one bundled file (npm run build): fewer module loads on the path people type in an incident
      const { fastAudit } = await import('../dist/fast.bundle.js').catch(() => import('../dist/src/cli/fast.js'));
      const implicit = first !== 'audit';
      process.exitCode = await fastAudit(implicit ? argv : argv.slice(1), { commands: ids?.filter((i) => !i.includes(':')), implicit });
      return;
    }
  }
  const { execute } = await import('@oclif/core');
  // `zombie-audit <container> --help` is the audit's help
  const ids = commandIds();
  const wantsHelp = flags.some((a) => a === '--help' || a === '-h');
  const args = wantsHelp && ids && first && !first.startsWith('-') && !ids.includes(first) ? ['audit', ...argv] : argv;
  await execute({ dir: import.meta.url, args });
}

await main();
