import { renameSync, writeFileSync, mkdirSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { shimFor } from '../fix/image.js';
import { UsageError } from './errors.js';
import type { FlagTable } from './options.js';
import type { IO } from './io.js';

/** `zombie-audit shim export <dir>`: write the bundled za-shim out, atomically. */
export function exportShim(dir: string, arches: string[], force: boolean, io: IO): number {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const arch of arches) {
    const data = shimFor(arch);
    const name = arches.length === 1 ? 'za-shim' : `za-shim-${arch}`;
    const out = join(dir, name);
    if (existsSync(out) && !force) throw new UsageError(`${out} exists: pass --force to overwrite it`);
    const tmp = `${out}.tmp-${process.pid}`;
    writeFileSync(tmp, data, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    renameSync(tmp, out);
    written.push(`${out} (${data.length} bytes, linux/${arch}, static)`);
  }
  io.stdout.write(`wrote ${written.join(', ')}\n\nIn your Dockerfile:\n  COPY ${join(dir, arches.length === 1 ? 'za-shim' : 'za-shim-<arch>')} /za-shim\n  ENTRYPOINT ["/za-shim", "--", "your-app"]\n`);
  return 0;
}

export const SHIM_EXPORT_FLAGS = {
  arch: { type: 'string', options: ['amd64', 'arm64', 'all'], default: 'amd64', description: 'architecture (all: za-shim-amd64 and za-shim-arm64)' },
  force: { type: 'boolean', description: 'overwrite an existing file' },
} as const satisfies FlagTable;

export async function runShimExport(flags: Record<string, unknown>, args: string[], io: IO): Promise<number> {
  if (args.length !== 1) throw new UsageError('name one folder to write za-shim into', 'see: zombie-audit shim export --help');
  const arch = String(flags.arch ?? 'amd64');
  return exportShim(args[0], arch === 'all' ? ['amd64', 'arm64'] : [arch], !!flags.force, io);
}
