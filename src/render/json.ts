/** JSON output: stable key order as built, bigints as hex strings, two-space indent. */
export function toJSON(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v), 2) + '\n';
}
