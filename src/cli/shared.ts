import { analyze, type AuditReport } from '../analysis/audit.js';
import { collect, containerInfo } from '../collect/collect.js';
import { Engine } from '../engine/client.js';
import { resolveEndpoint } from '../engine/connection.js';
import { housekeeping } from '../fix/housekeeping.js';
import { EXIT } from '../engine/errors.js';
import { atOrAbove, type Finding } from '../findings/model.js';
import type { AuditOptions, EngineOptions } from './audit-options.js';

/** What the commands share: the engine from the options, the exit code from the findings, one audit. */
export function exitFor(findings: readonly Finding[], failOn: EngineOptions['failOn']): number {
  return atOrAbove(findings, failOn).length > 0 ? EXIT.FINDINGS : EXIT.OK;
}

export function engineFor(opts: Pick<EngineOptions, 'host' | 'timeoutSeconds'>, env: NodeJS.ProcessEnv): Engine {
  const engine = new Engine(resolveEndpoint(opts.host, env), { timeoutMs: opts.timeoutSeconds * 1000 });
  // beside the command: finish or roll back what killed runs left, remove their leftovers
  housekeeping(engine);
  return engine;
}

export async function auditOne(engine: Engine, ref: string, method: AuditOptions['method']): Promise<AuditReport> {
  const c = await collect(engine, ref, method === 'host' ? 'auto' : method);
  return analyze(c.snapshot, containerInfo(c.inspect), c.method);
}
