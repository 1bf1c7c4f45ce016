import type { FixReport } from '../fix/fix.js';
import { escapeStrings } from './escape.js';
import { makeStyle } from './style.js';

export async function renderFixHuman(raw: FixReport, color: boolean): Promise<string> {
  const r = escapeStrings(raw);
  const s = await makeStyle(color);
  const L: string[] = [];
  L.push(`${s.bold('Fix')} ${r.container.name} ${s.dim(`(${r.container.image})`)}${r.dryRun ? s.yellow('  dry run: nothing done') : ''}`);
  r.steps.forEach((st, i) => L.push(`  ${i + 1}. ${st}`));
  if (r.image) L.push(`${s.bold('Image')}  ${r.image.ref} ${s.dim(`(${r.image.id.replace(/^sha256:/, '').slice(0, 12)}, ${r.image.arch})`)}`);
  const b = r.before.probe;
  const a = r.after?.probe;
  if (b && a) {
    const { default: Table } = await import('cli-table3');
    const t = new Table({ head: ['', 'before', 'after'], style: { head: color ? ['bold'] : [], border: color ? ['grey'] : [] } });
    t.push(['PID 1', `${b.pid1.name} (${b.pid1.kind})`, `${a.pid1.name} (${a.pid1.kind})`]);
    t.push(['orphans', b.zombieProbe?.summary ?? '?', a.zombieProbe?.summary ?? '?']);
    t.push([b.termProbe?.signal ?? 'stop', b.termProbe?.summary ?? b.inferredStop.summary, a.termProbe?.summary ?? a.inferredStop.summary]);
    L.push(t.toString());
  }
  if (r.startsWithout?.length) {
    L.push(`${s.bold('Starts without')} runtime state of the old writable layer (not data): ${r.startsWithout.slice(0, 12).join(', ')}${r.startsWithout.length > 12 ? ` and ${r.startsWithout.length - 12} more` : ''}`);
  }
  if (r.recreated) {
    L.push(`${s.bold('Recreated')} ${r.recreated.name} (${r.recreated.id.slice(0, 12)}); the old one ${r.recreated.oldRemoved ? 'removed (its volumes kept)' : `kept as ${r.recreated.old}`}`);
  }
  if (r.usage.length) {
    L.push(s.bold('Use it'));
    for (const u of r.usage) L.push(`  ${u}`);
  }
  return L.join('\n') + '\n';
}
