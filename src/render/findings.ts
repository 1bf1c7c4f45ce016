import { docUrl } from './meta.js';
import type { Finding } from '../findings/model.js';
import { escapeText as e } from './escape.js';
import type { Style } from './style.js';

/** The findings block shared by every human report (audit, probe, lint). */
export function renderFindings(findings: readonly Finding[], s: Style): string {
  if (findings.length === 0) return s.green('No findings.') + '\n';
  const lines: string[] = [];
  for (const f of findings) {
    const where = f.location?.file ? `${e(f.location.file)}${f.location.line ? ':' + f.location.line : ''}  ` : '';
    lines.push(`${s.sev(f.severity)} ${s.bold(f.id)}  ${where}${e(f.message)}`);
    for (const x of f.evidence) lines.push(`          ${s.dim('•')} ${e(x)}`);
    lines.push(`          ${s.green('fix:')} ${e(f.fix)}`);
    lines.push(`          ${s.dim('docs: ' + docUrl(f.id))}`);
  }
  return lines.join('\n') + '\n';
}
