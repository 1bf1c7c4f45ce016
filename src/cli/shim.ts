import { renameSync, writeFileSync, mkdirSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { shimFor } from '../fix/image.js';
import { UsageError } from './audit-options.js';
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
