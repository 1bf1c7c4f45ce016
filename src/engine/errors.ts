/** Exit codes, the contract CI jobs rely on (README "Exit codes"). */
export const EXIT = {
  OK: 0,
  FINDINGS: 1,
  /** bad usage, or an error reaching or using the engine */
  ERROR: 2,
} as const;

export type EngineErrorCode =
  | 'ENGINE_UNREACHABLE' | 'ENGINE_PERMISSION' | 'ENGINE_TIMEOUT' | 'ENGINE_API'
  | 'NOT_FOUND' | 'NOT_RUNNING' | 'PAUSED' | 'EXITED_DURING_AUDIT' | 'NO_SHELL' | 'BAD_OUTPUT' | 'USAGE' | 'INTERRUPTED';

/** An error with a code, a message a person reads and a hint on what to do. */
export class ZaError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly hint?: string,
    readonly status?: number,
  ) {
    super(message);
  }
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}
