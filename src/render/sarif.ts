import { escapeJSON } from './escape.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RULES } from '../findings/catalog.js';
import type { Finding } from '../findings/model.js';
import { dedupe } from './dedupe.js';
import { docUrl, homepage, packageMeta } from './meta.js';

const level = (s: Finding['severity']): 'error' | 'warning' | 'note' => (s === 'info' ? 'note' : s);

/** A sentence ends with a period (SARIF2001). */
const sentence = (s: string): string => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

/** A relative artifact URI: the path as written, "./" dropped, every segment percent-encoded. */
function artifactUri(f: Finding): string {
  const raw = (f.location?.file ?? f.location?.container ?? 'unknown').replace(/^\.\//, '');
  return raw.split('/').map(encodeURIComponent).join('/');
}

/**
 * The fingerprint of a finding, stable across runs and across edits elsewhere in the file: the
 * rule, the file, the text of the flagged line (whitespace squeezed), and which occurrence of
 * that triple it is. The message is left out: it may name line numbers or the engine's state.
 */
function fingerprints(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  const lines = new Map<string, string[] | undefined>();
  return findings.map((f) => {
    const file = f.location?.file ?? f.location?.container ?? '';
    if (!lines.has(file)) {
      try { lines.set(file, readFileSync(file, 'utf8').split('\n')); } catch { lines.set(file, undefined); }
    }
    const text = f.location?.line ? (lines.get(file)?.[f.location.line - 1] ?? '').replace(/\s+/g, ' ').trim() : '';
    const key = `${f.id}\0${file}\0${text}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}:${n}`;
  });
}

/**
 * SARIF 2.1.0 for GitHub code scanning (node-sarif-builder), valid by Microsoft's SARIF
 * Multitool: every rule with name, short and full description, an absolute helpUri to its doc
 * page and its default level; the tool's informationUri; results with a relative URI, a
 * 1-based region and a stable partialFingerprints; no duplicates; the invocation's outcome.
 */
export async function toSarif(findings: readonly Finding[], version = packageMeta().version): Promise<string> {
  const { SarifBuilder, SarifRunBuilder, SarifRuleBuilder, SarifResultBuilder } = await import('node-sarif-builder');
  const unique = dedupe(findings);
  const builder = new SarifBuilder();
  const run = new SarifRunBuilder().initSimple({ toolDriverName: 'zombie-audit', toolDriverVersion: version, url: homepage() });
  run.run.tool.driver.semanticVersion = version;
  const used = new Set(unique.map((f) => f.id));
  for (const r of RULES.filter((x) => used.has(x.id))) {
    const rb = new SarifRuleBuilder().initSimple({ ruleId: r.id, shortDescriptionText: sentence(r.title), fullDescriptionText: sentence(r.title), helpUri: docUrl(r.id) });
    rb.rule.name = r.name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
    rb.rule.help = { text: `See ${docUrl(r.id)}.` };
    rb.rule.defaultConfiguration = { level: level(r.severity) };
    run.addRule(rb);
  }
  const prints = fingerprints(unique);
  unique.forEach((f, i) => {
    const rb = new SarifResultBuilder().initSimple({
      ruleId: f.id, level: level(f.severity), messageText: `${sentence(f.message)} Fix: ${sentence(f.fix)}`,
      fileUri: artifactUri(f), startLine: Math.max(1, f.location?.line ?? 1),
    });
    rb.result.partialFingerprints = { primaryLocationLineHash: prints[i] };
    run.addResult(rb);
  });
  run.run.invocations = [{ executionSuccessful: true }];
  builder.addRun(run);
  return escapeJSON(builder.buildSarifJsonString({ indent: true })) + '\n';
}

export { failedSarif } from './sarif-error.js';
