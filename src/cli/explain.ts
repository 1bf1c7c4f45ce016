import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docPath, RULES } from '../findings/catalog.js';
import { packageRoot } from '../paths.js';
import { toJSON } from '../render/json.js';
import { docUrl } from '../render/meta.js';
import { makeStyle, wantColor } from '../render/style.js';
import { ENGINE_FLAGS, type FlagSpec } from './audit-options.js';
import { UsageError } from './errors.js';
import type { IO } from './io.js';
import { didYouMean } from './options.js';

export const EXPLAIN_FLAGS = {
  json: ENGINE_FLAGS.json,
  list: { type: 'boolean', description: 'list every finding id with its severity and title' },
} as const satisfies Record<string, FlagSpec>;

/** `zombie-audit explain ZA101`: the finding's doc page in the terminal (or --json), and its address. */
export async function runExplain(flags: Record<string, unknown>, args: string[], io: IO): Promise<number> {
  const s = await makeStyle(wantColor(io.stdout, io.env));
  if (flags.list) {
    if (flags.json) io.stdout.write(toJSON(RULES.map((r) => ({ ...r, url: docUrl(r.id) }))));
    else for (const r of RULES) io.stdout.write(`${s.bold(r.id)} ${s.sev(r.severity)} ${r.title}\n`);
    return 0;
  }
  if (args.length !== 1) throw new UsageError('name one finding id, e.g. zombie-audit explain ZA101', 'zombie-audit explain --list shows them all');
  const id = args[0].toUpperCase();
  const r = RULES.find((x) => x.id === id);
  if (!r) {
    const near = didYouMean(id, RULES.map((x) => x.id));
    throw new UsageError(`no finding id ${JSON.stringify(args[0])}${near ? `: did you mean ${near}?` : ''}`, 'zombie-audit explain --list shows them all');
  }
  const doc = readFileSync(join(packageRoot(), docPath(r.id)), 'utf8');
  if (flags.json) {
    io.stdout.write(toJSON({ id: r.id, name: r.name, severity: r.severity, title: r.title, url: docUrl(r.id), doc }));
    return 0;
  }
  const body = doc.split('\n').map((l) => (/^#{1,3} /.test(l) ? s.bold(l.replace(/^#+ /, '')) : l)).join('\n');
  io.stdout.write(`${body.trimEnd()}\n\n${s.dim(`${docUrl(r.id)}`)}\n`);
  return 0;
}
