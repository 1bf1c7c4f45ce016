import type { Severity } from '../findings/model.js';

/**
 * Colour only on a TTY, never with NO_COLOR (or --no-color, which sets it) or TERM=dumb;
 * FORCE_COLOR=0 (or false) turns it off, any other FORCE_COLOR value forces it.
 */
export function wantColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return true;
  if (env.TERM === 'dumb') return false;
  return !!stream.isTTY;
}

export interface Style {
  color: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  sev(s: Severity): string;
}

/** chalk, at level 0 when colour is off (so no escape codes at all). */
export async function makeStyle(color: boolean): Promise<Style> {
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level: color ? 1 : 0 });
  return {
    color,
    bold: (s) => c.bold(s), dim: (s) => c.dim(s), red: (s) => c.red(s), yellow: (s) => c.yellow(s),
    green: (s) => c.green(s), cyan: (s) => c.cyan(s),
    sev: (s) => (s === 'error' ? c.red.bold('error  ') : s === 'warning' ? c.yellow.bold('warning') : c.cyan('info   ')),
  };
}
