// "Did you mean" for container names: shared by the seam (engine/docker.ts) and collect.

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Names close to `ref` (substring either way, or a small edit distance), best first. */
export function closeNames(ref: string, names: string[]): string[] {
  const r = ref.toLowerCase();
  return names
    .map((n) => ({ n, d: n.toLowerCase().includes(r) || r.includes(n.toLowerCase()) ? 0 : distance(r, n.toLowerCase()) }))
    .filter((s) => s.d <= Math.max(2, Math.floor(ref.length / 3)))
    .sort((a, b) => a.d - b.d).slice(0, 3).map((s) => s.n);
}

