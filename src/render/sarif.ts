import { escapeJSON } from './escape.js';
import { createHash } from 'node:crypto';
import { docPath, RULES } from '../findings/catalog.js';
import type { Finding } from '../findings/model.js';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/** Where the doc pages are published: package.json's homepage (+ "/"), else relative paths. */
function docsBase(): string {
  try {
    const home = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).homepage as string | undefined;
    return home ? home.replace(/\/?$/, '/') : '';
  } catch {
    return '';
  }
}

/**
 * SARIF 2.1.0 for GitHub code scanning, with node-sarif-builder: a stable ruleId, rule metadata
 * (name, short and full description, helpUri to the rule's doc page), levels, regions with
 * 1-based lines, relative artifact URIs, and partialFingerprints so re-uploads do not duplicate.
 */
export async function toSarif(findings: readonly Finding[], version: string): Promise<string> {
  const { SarifBuilder, SarifRunBuilder, SarifRuleBuilder, SarifResultBuilder } = await import('node-sarif-builder');
  const builder = new SarifBuilder();
  const HOME = docsBase();
  const run = new SarifRunBuilder().initSimple({ toolDriverName: 'zombie-audit', toolDriverVersion: version, ...(HOME ? { url: HOME } : {}) });
  const used = new Set(findings.map((f) => f.id));
  for (const r of RULES.filter((x) => used.has(x.id))) {
    const rb = new SarifRuleBuilder().initSimple({ ruleId: r.id, shortDescriptionText: r.title, fullDescriptionText: r.title, helpUri: HOME + docPath(r.id) });
    rb.rule.name = r.name;
    rb.rule.defaultConfiguration = { level: r.severity === 'info' ? 'note' : r.severity };
    run.addRule(rb);
  }
  for (const f of findings) {
    const line = Math.max(1, f.location?.line ?? 1);
    const rb = new SarifResultBuilder().initSimple({
      ruleId: f.id, level: f.severity === 'info' ? 'note' : f.severity, messageText: `${f.message}. Fix: ${f.fix}`,
      fileUri: (f.location?.file ?? f.location?.container ?? 'unknown').replace(/^\.\//, ''), startLine: line,
    });
    rb.result.partialFingerprints = { primaryLocationLineHash: createHash('sha256').update(`${f.id}:${f.location?.file}:${f.message}`).digest('hex').slice(0, 32) };
    run.addResult(rb);
  }
  builder.addRun(run);
  return escapeJSON(builder.buildSarifJsonString({ indent: true })) + '\n';
}
