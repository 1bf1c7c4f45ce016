import { escapeJSON, jsonValue } from './escape.js';

/**
 * JSON output: stable key order as built, bigints as hex strings, two-space indent; /proc text
 * decoded from its bytes, and bidi, invisible and C1 characters as \u escapes (control
 * characters already are).
 */
export function toJSON(value: unknown, indent: number | undefined = 2): string {
  return escapeJSON(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : jsonValue(v)), indent)) + '\n';
}

/** One NDJSON line (watch): the same escapes, no indent. */
export function toJSONLine(value: unknown): string {
  return toJSON(value, 0);
}
