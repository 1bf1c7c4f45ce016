import type { ZaError } from '../engine/errors.js';
import { homepage, packageMeta } from './meta.js';

/**
 * The SARIF log of a run that failed (exit 2): no results, the invocation marked
 * executionSuccessful: false, and the error as a tool execution notification, so a CI upload of
 * the file still gets a valid log rather than an empty file. Written by hand (no library load on
 * the error path).
 */
export function failedSarif(e: ZaError): string {
  const { version } = packageMeta();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'zombie-audit', version, semanticVersion: version, informationUri: homepage(), rules: [] } },
      invocations: [{
        executionSuccessful: false,
        exitCode: 2,
        toolExecutionNotifications: [{
          level: 'error',
          message: { text: e.hint ? `${e.message} (${e.hint})` : e.message },
          descriptor: { id: e.code },
        }],
      }],
      results: [],
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
