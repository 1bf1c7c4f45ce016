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

async function main() {
  const wantsOclif = argv.length === 0 || process.env.ZOMBIE_AUDIT_NO_FAST_PATH === '1' || argv.some((a) => a === '--help' || a === '-h' || a === '--version' || a === 'help');
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
