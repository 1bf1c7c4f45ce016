#!/usr/bin/env node
// Checks package.json against the code's imports: every runtime dependency is imported by the
// shipped code (src, commands, hooks, oclif, bin) or is an oclif plugin; every package the
// shipped code imports is a runtime dependency; every package the tests, benches and scripts
// import is declared. Prints one line per problem; exit 1 if any. Usage: node scripts/check-deps.mjs [DIR]
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2] ?? process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const deps = Object.keys(pkg.dependencies ?? {});
const devDeps = Object.keys(pkg.devDependencies ?? {});
const SHIPPED = ['src', 'commands', 'hooks', 'oclif', 'bin'];
const DEV = ['test', 'bench', 'scripts'];
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire(?:\.resolve)?\s*\(\s*)['"]([^'"./][^'"]*)['"]/g;

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === 'node_modules' || n === 'fixtures' || n.startsWith('.')) return [];
    return statSync(p).isDirectory() ? files(p) : /\.(m?[jt]s|cjs)$/.test(n) ? [p] : [];
  });
}

const nameOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const isBuiltin = (n) => n.startsWith('node:') || builtinModules.includes(n);

function importsOf(dirs) {
  const out = new Map();
  for (const f of dirs.flatMap((d) => files(join(root, d)))) {
    for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
      const n = nameOf(m[1]);
      if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w.@/-]*)?$/i.test(m[1])) continue;
      if (!isBuiltin(n)) out.set(n, [...(out.get(n) ?? []), relative(root, f)]);
    }
  }
  return out;
}

const shipped = importsOf(SHIPPED);
const dev = importsOf(DEV);
const plugins = new Set(pkg.oclif?.plugins ?? []);
const problems = [];
for (const d of deps) {
  if (!shipped.has(d) && !plugins.has(d)) problems.push(`unused dependency: ${d} (no import in ${SHIPPED.join(', ')}; not an oclif plugin)`);
}
for (const [n, where] of shipped) {
  if (!deps.includes(n)) problems.push(`${n} is imported by ${where[0]} but is not in dependencies${devDeps.includes(n) ? ' (only in devDependencies)' : ''}`);
}
for (const [n, where] of dev) {
  if (!deps.includes(n) && !devDeps.includes(n)) problems.push(`${n} is imported by ${where[0]} but is not declared`);
}
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
