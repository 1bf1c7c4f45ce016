import { signalName } from './signals.js';

/**
 * An exit code told as users read it: 128+n with the signal's name, and "by design" where the
 * runtime exits that way after a clean shutdown (the JVM's 143 after its shutdown hooks ran).
 */
export function exitMeaning(code: number, opts: { byDesign?: boolean; runtime?: string } = {}): string {
  if (code === 0) return '0: a clean exit';
  if (code === 137) return '137 = 128+9 (SIGKILL): killed, no shutdown ran';
  if (code > 128 && code < 128 + 65) {
    const sig = signalName(code - 128);
    return opts.byDesign
      ? `${code} = 128+${code - 128} (${sig}): ${opts.runtime ?? 'the runtime'}'s normal exit after its shutdown ran, by design`
      : `${code} = 128+${code - 128} (${sig}): it died of ${sig}`;
  }
  if (opts.byDesign) return `${code}: ${opts.runtime ?? 'the runtime'}'s normal exit on a stop signal, by design`;
  return `${code}: the program's own exit code`;
}
