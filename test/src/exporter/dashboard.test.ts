import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { toExporterOptions } from '../../../src/exporter/options.js';
import { startExporter, type RunningExporter } from '../../../src/exporter/run.js';
import { metricsUrl } from '../../../src/exporter/server.js';
import { packageRoot } from '../../../src/paths.js';
import { engine, removeAll, runId, start, until } from '../../helpers/engine.js';
import { scrape, select, type Exposition } from './exposition.js';

const RUN = runId('exporter-dash');
let ex: RunningExporter;
let leaky = '';

const FUNCTIONS_AND_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'inf', 'nan']);

/** The metric names a PromQL expression (or a Grafana label_values() query) reads. */
export function metricNames(expr: string): string[] {
  const s = expr
    .replace(/label_values\(\s*([^,)]*),[^)]*\)/g, ' $1 ') // Grafana's label_values(metric, label)
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\{?\w+\}?/g, ' '); // Grafana variables
  const out: string[] = [];
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:])(?!\s*\()/g)) {
    const name = m[0];
    if (FUNCTIONS_AND_KEYWORDS.has(name.toLowerCase())) continue;
    if (/^\d/.test(name)) continue;
    if (/\d[eE]$/.test(s.slice(0, m.index)) || /^e\d/.test(name)) continue; // 1e6
    out.push(name);
  }
  return [...new Set(out)];
}

function dashboardExprs(d: { panels?: Array<{ targets?: Array<{ expr?: string }> }>; templating?: { list?: Array<{ query?: string | { query?: string } }> } }): string[] {
  const out: string[] = [];
  for (const p of d.panels ?? []) for (const t of p.targets ?? []) if (t.expr) out.push(t.expr);
  for (const v of d.templating?.list ?? []) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    if (q && /\(/.test(q)) out.push(q);
  }
  return out;
}

function served(e: Exposition): Set<string> {
  return new Set([...e.samples.map((s) => s.name), ...e.types.keys()]);
}

before(async () => {
  await removeAll(RUN);
  // zombies and a PID limit, so the series that are absent otherwise (oldest age, pids limit) are served too
  leaky = await start(RUN, { image: 'zombie-audit-fixture/base', cmd: ['/app', '--leak', '3'], pidsLimit: 50 });
  ex = await startExporter(engine, toExporterOptions({ listen: '127.0.0.1:0', interval: '1s' }, {}));
});
after(async () => {
  await ex?.stop();
  await removeAll(RUN);
});

async function scrapeWithLeaky(): Promise<Exposition> {
  let e: Exposition | undefined;
  assert.ok(await until(async () => {
    e = await scrape(metricsUrl(ex.address));
    return select(e, 'zombie_audit_oldest_zombie_age_seconds', { container_name: leaky }).length === 1;
  }, 60_000), 'the exporter served the leaky container');
  return e!;
}

test('metricNames reads PromQL the way the dashboard writes it', () => {
  assert.deepEqual(metricNames('sum by (instance, stage) (rate(zombie_audit_scrape_errors_total[5m])) * 60'), ['zombie_audit_scrape_errors_total']);
  assert.deepEqual(metricNames('zombie_audit_processes{container_name=~"$container"} / zombie_audit_pids_limit{a="b"}'), ['zombie_audit_processes', 'zombie_audit_pids_limit']);
  assert.deepEqual(metricNames('count(x{outcome="killed"} == 1) or vector(0)'), ['x']);
  assert.deepEqual(metricNames('label_values(zombie_audit_zombies, container_name)'), ['zombie_audit_zombies']);
  assert.deepEqual(metricNames('topk(5, zombie_audit_zombies_by_parent)'), ['zombie_audit_zombies_by_parent']);
  assert.deepEqual(metricNames('process_resident_memory_bytes{job=~"$job"} / 1e6'), ['process_resident_memory_bytes']);
  assert.deepEqual(metricNames('time() - zombie_audit_sampler_last_success_timestamp_seconds > 5 * zombie_audit_sampler_interval_seconds + 60'),
    ['zombie_audit_sampler_last_success_timestamp_seconds', 'zombie_audit_sampler_interval_seconds']);
});

test('every metric the Grafana dashboard and the alert rules query is one the exporter serves (a real scrape)', { timeout: 120_000 }, async () => {
  const e = await scrapeWithLeaky();
  const names = served(e);
  const root = packageRoot();
  const dash = JSON.parse(readFileSync(join(root, 'deploy/grafana/zombie-audit.json'), 'utf8'));
  const exprs = dashboardExprs(dash);
  assert.ok(exprs.length >= 15, `the dashboard has its queries (${exprs.length})`);
  const rules = parse(readFileSync(join(root, 'deploy/prometheus/zombie-audit.rules.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ expr: string }> }> };
  const ruleExprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
  assert.equal(ruleExprs.length, 4);
  const used = new Set([...exprs, ...ruleExprs].flatMap(metricNames));
  assert.ok(used.size >= 12, `metrics used: ${[...used].join(', ')}`);
  const missing = [...used].filter((n) => !names.has(n));
  assert.deepEqual(missing, [], `queried but not served: ${missing.join(', ')}`);
  // and the dashboard shows every per-container family the exporter serves
  const families = [...names].filter((n) => n.startsWith('zombie_audit_'));
  const unshown = families.filter((n) => !used.has(n) && !['zombie_audit_containers', 'zombie_audit_sampler_host_read', 'zombie_audit_scrape_duration_seconds'].includes(n));
  assert.deepEqual(unshown, [], `served but on no panel or rule: ${unshown.join(', ')}`);
});

test('/ links to /metrics; other paths 404, other methods 405', async () => {
  const base = metricsUrl(ex.address).replace(/metrics$/, '');
  const index = await fetch(base);
  assert.equal(index.status, 200);
  assert.match(await index.text(), /<a href="metrics">/);
  assert.equal((await fetch(base + 'nope')).status, 404);
  assert.equal((await fetch(base + 'metrics', { method: 'POST' })).status, 405);
  const m = await fetch(base + 'metrics');
  assert.match(m.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
});
