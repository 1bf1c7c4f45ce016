import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

interface PackageMeta { name: string; version: string; homepage?: string; repository?: string | { url?: string } }

let pkg: PackageMeta | undefined;

/** package.json of the tool itself (name, version, homepage, repository). */
export function packageMeta(): PackageMeta {
  if (!pkg) {
    try {
      pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as PackageMeta;
    } catch {
      pkg = { name: 'zombie-audit', version: '0.0.0' };
    }
  }
  return pkg;
}

/** The repository's web address (https://github.com/owner/name), from package.json's repository. */
export function repositoryUrl(): string {
  const r = packageMeta().repository;
  const url = typeof r === 'string' ? r : r?.url;
  if (url) {
    const m = /github\.com[/:]([^/]+\/[^/.#]+)/.exec(url);
    if (m) return `https://github.com/${m[1]}`;
  }
  return 'https://github.com/zombie-audit/zombie-audit';
}

/** The tool's home page (informationUri in SARIF). */
export function homepage(): string {
  return packageMeta().homepage ?? repositoryUrl();
}

/** The absolute address of a finding's doc page (docs/findings/<ID>.md on the default branch). */
export function docUrl(id: string): string {
  return `${repositoryUrl()}/blob/main/docs/findings/${id}.md`;
}
