/**
 * A reader of the Prometheus text exposition format (what /metrics serves), for the tests:
 * samples with their labels (escapes undone) and the metric families from # TYPE lines.
 * No side effects: node --test loads every file under test/.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: PromSample[];
  /** family name -> type (gauge, counter, histogram, summary) */
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(s.slice(i));
    if (!m) break;
    i += m[0].length;
    let v = '';
    for (; i < s.length && s[i] !== '"'; i++) {
      if (s[i] === '\\') {
        i++;
        v += s[i] === 'n' ? '\n' : s[i];
      } else v += s[i];
    }
    i++; // closing quote
    out[m[1]] = v;
    if (s[i] === ',') i++;
  }
  return out;
}

export function parseExposition(text: string): Exposition {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name, type);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not an exposition line: ${JSON.stringify(line)}`);
    samples.push({ name: m[1], labels: m[2] ? parseLabels(m[2]) : {}, value: Number(m[3]) });
  }
  return { samples, types };
}

/** The samples of `name` whose labels include `match`. */
export function select(e: Exposition, name: string, match: Record<string, string> = {}): PromSample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

export async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return parseExposition(await res.text());
}
