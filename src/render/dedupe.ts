import type { Finding } from '../findings/model.js';

/** Drop findings that repeat one already listed (same id, place and message), keeping the order. */
export function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = JSON.stringify([f.id, f.location?.file, f.location?.line, f.location?.container, f.message]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
