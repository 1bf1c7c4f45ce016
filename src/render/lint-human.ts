import type { Finding } from '../findings/model.js';
import { escapeStrings } from './escape.js';
import { dedupe } from './dedupe.js';
import { docUrl } from './meta.js';
import type { Style } from './style.js';

/** lint's terminal output: file:line, severity, id, message; the fix; the doc's address. */
export function renderLintHuman(rawFiles: readonly string[], rawFindings: readonly Finding[], s: Style): string {
  const files = escapeStrings([...rawFiles]);
  const findings = escapeStrings([...rawFindings]);
  const out: string[] = [];
  const unique = dedupe(findings);
  for (const f of unique) {
    out.push(`${s.bold(`${f.location?.file ?? '?'}:${f.location?.line ?? 1}`)} ${s.sev(f.severity)} ${s.bold(f.id)} ${f.message}\n  ${s.green('fix:')} ${f.fix}\n  ${s.dim(`docs: ${docUrl(f.id)}`)}\n`);
  }
  out.push(unique.length === 0 ? s.green(`${files.length} file(s): no findings\n`) : s.dim(`${files.length} file(s), ${unique.length} finding(s); zombie-audit explain <ID> prints a finding's doc\n`));
  return out.join('');
}
