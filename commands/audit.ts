import { Args, Command, Flags, type Interfaces } from '@oclif/core';
import { AUDIT_FLAGS, toAuditOptions, UsageError, type FlagSpec } from '../src/cli/audit-options.js';
import { runAudit } from '../src/cli/audit.js';
import { processIO } from '../src/cli/io.js';

/** oclif flags from the shared spec (src/cli/audit-options.ts). */
export function oclifFlags(spec: Record<string, FlagSpec>): Interfaces.FlagInput {
  const out: Interfaces.FlagInput = {};
  for (const [name, f] of Object.entries(spec)) {
    const char = f.char as Interfaces.AlphabetLowercase | Interfaces.AlphabetUppercase | undefined;
    out[name] = f.type === 'boolean'
      ? Flags.boolean({ description: f.description, char, allowNo: false })
      : f.multiple
        ? Flags.string({ description: f.description, char, multiple: true, multipleNonGreedy: true })
        : Flags.string({ description: f.description, char, options: f.options ? [...f.options] : undefined, default: f.default as string | undefined });
  }
  return out;
}

export default class Audit extends Command {
  static summary = "Audit containers' PID 1: zombies and who can reap them, and what docker stop will do";
  static description = `Reads the container's /proc through the engine (one docker exec, or a helper container in its PID namespace when the image has no shell) and reports: what PID 1 is (init, shell or app), whether TERM, INT, HUP and QUIT reach it, what docker stop will do, every zombie with its parent and who can reap it, and the PID headroom.

\`zombie-audit <container>\` is the same as \`zombie-audit audit <container>\`.

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or engine error.`;
  static examples = [
    '<%= config.bin %> api-1',
    '<%= config.bin %> audit api-1 --json',
    '<%= config.bin %> --all --fail-on error',
    'DOCKER_HOST=ssh://ops@host <%= config.bin %> api-1',
  ];
  static strict = false;
  static args = { container: Args.string({ description: 'container name or id (several allowed)', required: false }) };
  static flags = oclifFlags(AUDIT_FLAGS);

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Audit);
    let code: number;
    try {
      const opts = toAuditOptions(flags, argv as string[]);
      code = await runAudit(opts, processIO());
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      process.stderr.write(`zombie-audit: ${e.message}\n  see: zombie-audit audit --help\n`);
      code = 2;
    }
    process.exitCode = code;
  }
}
