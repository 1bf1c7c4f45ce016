/**
 * Text from containers is hostile: a process chooses its comm and argv, an image its labels.
 * Every human renderer passes such text through escapeText() so that no control character
 * (ESC, CR, BEL, C1 controls such as CSI U+009B), no bidi override and no invisible character
 * reaches the terminal: each is shown as a visible escape (\x1b, \u{202e}). JSON and SARIF go
 * through escapeJSON(): valid JSON whose bidi, invisible and C1 characters are \u escapes.
 */

/** C0 controls, DEL and C1 controls */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** bidi controls (Trojan Source: U+202A-202E, U+2066-2069, marks) and invisible or separator characters */
const INVISIBLE = /[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]/;
const ANY = new RegExp(`${CONTROL.source}|${INVISIBLE.source}`, 'gu');

function visible(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp === 0x0a) return '\\n';
  if (cp === 0x0d) return '\\r';
  if (cp === 0x09) return '\\t';
  if (cp === 0x1b) return '\\e';
  return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

/**
 * /proc text arrives as latin1 (one character per byte). When those bytes are valid UTF-8 with
 * something beyond ASCII, decode them so a name shows as the process wrote it (and a bidi
 * override is recognized as one); otherwise keep the bytes (their C1 range is escaped below).
 */
export function fromProcBytes(s: string): string {
  if (!/[\u0080-\u00ff]/.test(s)) return s;
  // each run of byte-range characters on its own: a label may add text (an ellipsis) to them
  return s.replace(/[\u0000-\u00ff]*[\u0080-\u00ff][\u0000-\u00ff]*/g, (run) => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(run, 'latin1'));
    } catch {
      return run;
    }
  });
}

/** One piece of untrusted text, safe to print on a terminal. */
export function escapeText(s: string | undefined | null): string {
  if (s === undefined || s === null) return '';
  const t = fromProcBytes(String(s));
  return t.replace(ANY, visible);
}

/** Whether a string holds anything escapeText() would change. */
export function needsEscape(s: string): boolean {
  ANY.lastIndex = 0;
  return ANY.test(fromProcBytes(s));
}

/** JSON text (already serialized) with bidi, invisible and C1 characters as \u escapes. */
export function escapeJSON(serialized: string): string {
  return serialized.replace(/[\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON.stringify replacer step: /proc strings decoded from their bytes (so JSON carries the real characters, escaped). */
export function jsonValue(v: unknown): unknown {
  return typeof v === 'string' ? fromProcBytes(v) : v;
}

/**
 * A copy of a report with every string passed through escapeText(): what a human renderer
 * prints, so that no field it interpolates (a container, process, image or parent name, an
 * argv, a message made from them) can reach the terminal raw.
 */
export function escapeStrings<T>(v: T): T {
  if (typeof v === 'string') return escapeText(v) as T;
  if (Array.isArray(v)) return v.map((x) => escapeStrings(x)) as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeStrings(x)])) as T;
  }
  return v;
}
