import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/**
 * The options pipeline. Each command declares its flags once, as a table of FlagSpec
 * (AUDIT_FLAGS, LINT_FLAGS, ...); the same table
 *  - is parsed by parseArgv() on both routes (the fast path in bin/run.js and the oclif
 *    commands), so both give the same result, the same error line and the same exit code;
 *  - becomes oclif flags (oclif/flags.ts) for --help and shell completion only;
 *  - documents the environment variables it reads (`env`) beside ENV below.
 */
export interface FlagSpec {
  type: 'boolean' | 'string';
  description: string;
  multiple?: boolean;
  options?: readonly string[];
  /** the default, as it would be typed (shown in --help; applied by the command's to*Options) */
  default?: string | boolean;
  char?: string;
  /** how the value is read: a duration (500ms, 2s, 1m, 1h; a bare number is seconds), a whole number >= 0, a number >= 0 */
  kind?: 'duration' | 'count' | 'number';
  /** an environment variable that gives the value when the flag is not passed */
  env?: string;
}

export type FlagTable = Record<string, FlagSpec>;

/** Flags every command has, added by parseArgv and oclifFlags. */
export const GLOBAL_FLAGS = {
  'no-color': { type: 'boolean', description: 'no colour (also: NO_COLOR=1, FORCE_COLOR=0); FORCE_COLOR=1 forces it' },
} as const satisfies FlagTable;

/** Every environment variable the tool reads, with its doc (README "Environment"). */
export const ENV = {
  DOCKER_HOST: 'engine address (unix://, tcp://, ssh://), as for the docker CLI; --host wins',
  DOCKER_CONTEXT: 'docker context whose endpoint is used when neither --host nor DOCKER_HOST is set',
  DOCKER_CONFIG: 'docker config folder (contexts, TLS certificates); default ~/.docker',
  DOCKER_TLS_VERIFY: '1: verify the engine\'s TLS certificate (with DOCKER_CERT_PATH)',
  DOCKER_CERT_PATH: 'folder holding ca.pem, cert.pem and key.pem for a tcp:// engine',
  DOCKER_CLIENT_TIMEOUT: 'default for --timeout (a duration; a bare number is seconds)',
  NO_COLOR: 'set and not empty: no colour',
  FORCE_COLOR: '0: no colour; any other value: colour even without a terminal (NO_COLOR wins)',
  ZOMBIE_AUDIT_NO_FAST_PATH: '1: run the audit through oclif too (for debugging the two routes)',
  ZOMBIE_AUDIT_DEBUG: '1: print the stack of an error after its one line',
} as const;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One duration syntax everywhere: 500ms, 2s, 1.5m, 1h; a bare number is seconds. Returns ms (> 0). */
export function parseDuration(name: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/.exec(v.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 's'] : NaN;
  if (!m || !(ms > 0)) throw new UsageError(`${label(name)} takes a duration such as 500ms, 2s, 1m or 1h (a bare number is seconds), not ${JSON.stringify(v)}`);
  return ms;
}

/** A whole number >= 0 (--count, --max-zombies, --concurrency). */
export function parseCount(name: string, v: string, min = 0): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < min) throw new UsageError(`${label(name)} takes a whole number${min > 0 ? ` of at least ${min}` : ''}, not ${JSON.stringify(v)}`);
  return Number(v);
}

/** A number >= 0 (--max-rate). */
export function parseNumber(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${label(name)} takes a number, not ${JSON.stringify(v)}`);
  return n;
}

export function oneOf<T extends string>(name: string, v: string, options: readonly string[]): T {
  if (!options.includes(v)) throw new UsageError(`${label(name)} takes one of ${options.join(', ')}, not ${JSON.stringify(v)}`);
  return v as T;
}

const label = (name: string) => (name.startsWith('-') || /^[A-Z_]+$/.test(name) ? name : `--${name}`);

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word, c);
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function levenshtein(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The nearest of `candidates` to a mistyped word, if one is near enough. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  return closest(word, candidates);
}

export interface Parsed {
  flags: Record<string, unknown>;
  args: string[];
}

/**
 * Parse argv against a command's flag table: the one parser of both routes. Unknown flags,
 * missing values, values outside `options` and malformed numbers or durations are UsageErrors;
 * a flag not passed takes its `env` variable when that is set. Values stay strings (the
 * command's to*Options turns them into typed options), checked here by `kind`.
 */
export function parseArgv(command: string, table: FlagTable, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Parsed {
  const all: FlagTable = { ...GLOBAL_FLAGS, ...table };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, f] of Object.entries(all)) {
    options[name] = { type: f.type, ...(f.char ? { short: f.char } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  const hint = `see: zombie-audit ${command} --help`;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message;
    let m = /^Unknown option '([^']+)'/.exec(msg);
    if (m) {
      const flag = m[1].replace(/=.*$/, '');
      const near = flag.startsWith('--') ? closest(flag.slice(2), Object.keys(all)) : undefined;
      throw new UsageError(`unknown flag ${flag} for ${command}${near ? `: did you mean --${near}?` : ''}`, hint);
    }
    m = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument missing/.exec(msg);
    if (m) throw new UsageError(`${m[1]} needs a value`, hint);
    m = /^Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(msg);
    if (m) throw new UsageError(`${m[1]} takes no value`, hint);
    m = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument is ambiguous/.exec(msg);
    if (m) throw new UsageError(`${m[1]} needs a value (to pass one that starts with "-", write ${m[1]}=VALUE)`, hint);
    throw new UsageError(msg, hint);
  }
  const flags: Record<string, unknown> = { ...parsed.values };
  for (const [name, f] of Object.entries(all)) {
    if (flags[name] === undefined && f.env && env[f.env]) flags[name] = env[f.env];
    const v = flags[name];
    if (v === undefined || f.type === 'boolean') continue;
    const src = parsed.values[name] === undefined && f.env ? f.env : name;
    for (const one of Array.isArray(v) ? v : [v]) {
      const s = String(one);
      if (f.options) oneOf(src, s, f.options);
      if (f.kind === 'duration') parseDuration(src, s);
      else if (f.kind === 'count') parseCount(src, s);
      else if (f.kind === 'number') parseNumber(src, s);
    }
  }
  return { flags, args: parsed.positionals };
}

/** The env a command sees: --no-color becomes NO_COLOR=1 (one place decides colour: render/style.ts). */
export function envWith(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return flags['no-color'] ? { ...env, NO_COLOR: '1' } : env;
}
