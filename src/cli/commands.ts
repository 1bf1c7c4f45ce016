import type { CommandDef } from './run.js';

/**
 * Every command's flag table and body, loaded on demand: the oclif commands (commands/*.ts)
 * and the fast path (src/cli/fast.ts, the audit only) both run them through runWith().
 * To add a command: a FLAGS table and a run function in src/cli/<name>.ts, an entry here, and
 * a thin commands/<name>.ts (see commands/explain.ts).
 */
export const COMMANDS: Record<string, () => Promise<CommandDef>> = {
  audit: async () => {
    const [{ AUDIT_FLAGS, toAuditOptions }, { runAudit }] = await Promise.all([import('./audit-options.js'), import('./audit.js')]);
    return { flags: AUDIT_FLAGS, run: (f, a, io) => runAudit(toAuditOptions(f, a, io.env), io) };
  },
  probe: async () => {
    const { PROBE_FLAGS, runProbe, toProbeOptions } = await import('./probe.js');
    return { flags: PROBE_FLAGS, run: (f, a, io) => runProbe(toProbeOptions(f, a, io.env), io) };
  },
  fix: async () => {
    const { FIX_FLAGS, runFix, toFixOptions } = await import('./fix.js');
    return { flags: FIX_FLAGS, run: (f, a, io) => runFix(toFixOptions(f, a, io.env), io) };
  },
  lint: async () => {
    const { LINT_FLAGS, runLint } = await import('./lint.js');
    return { flags: LINT_FLAGS, run: runLint };
  },
  watch: async () => {
    const [{ WATCH_FLAGS, toWatchOptions }, { runWatch }] = await Promise.all([import('./watch-options.js'), import('./watch.js')]);
    return { flags: WATCH_FLAGS, run: (f, a, io) => runWatch(toWatchOptions(f, a, io.env), io) };
  },
  doctor: async () => {
    const { DOCTOR_FLAGS, runDoctor } = await import('../doctor/doctor.js');
    return { flags: DOCTOR_FLAGS, run: (f, _a, io) => runDoctor(f, io) };
  },
  exporter: async () => {
    const [{ EXPORTER_FLAGS, toExporterOptions }, { runExporter }] = await Promise.all([import('../exporter/options.js'), import('../exporter/run.js')]);
    return { flags: EXPORTER_FLAGS, run: (f, _a, io) => runExporter(toExporterOptions(f, io.env), io) };
  },
  explain: async () => {
    const { EXPLAIN_FLAGS, runExplain } = await import('./explain.js');
    return { flags: EXPLAIN_FLAGS, run: runExplain };
  },
};

COMMANDS['shim export'] = async () => {
  const { SHIM_EXPORT_FLAGS, runShimExport } = await import('./shim.js');
  return { flags: SHIM_EXPORT_FLAGS, run: runShimExport };
};

COMMANDS.completion = async () => {
  const { COMPLETION_FLAGS, runCompletion } = await import('./completion.js');
  return { flags: COMPLETION_FLAGS, run: (f, a, io) => runCompletion(f, a, io, COMMANDS) };
};
