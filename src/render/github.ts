import type { Finding } from '../findings/model.js';
import { dedupe } from './dedupe.js';
import { docUrl } from './meta.js';

// GitHub Actions workflow commands: data escapes %, CR, LF; properties also , and :
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * `--format github`: one workflow command per finding (::error, ::warning, ::notice), which
 * GitHub Actions shows as an annotation on the file and line of a pull request.
 */
export function toGithub(findings: readonly Finding[]): string {
  return dedupe(findings).map((f) => {
    const cmd = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
    const props = [
      f.location?.file ? `file=${prop(f.location.file.replace(/^\.\//, ''))}` : '',
      f.location?.line ? `line=${f.location.line}` : '',
      `title=${prop(`${f.id} (zombie-audit)`)}`,
    ].filter(Boolean).join(',');
    return `::${cmd} ${props}::${data(`${f.message}\nfix: ${f.fix}\ndocs: ${docUrl(f.id)}`)}\n`;
  }).join('');
}
