import type { EngineOptions } from './audit-options.js';
import type { RuntimeOptions } from './runtime-flags.js';

/** The probe's options (from PROBE_FLAGS, src/cli/probe.ts), apart so the containerd probe can take them without importing the probe command. */
export interface ProbeCliOptions extends EngineOptions, RuntimeOptions {
  container: string;
  signals: number[];
  live: boolean;
  leaveStopped: boolean;
  graceSeconds?: number;
  settleMs: number;
  zombieTimeoutMs?: number;
  readyTimeoutMs: number;
  only?: 'zombie' | 'term';
}
