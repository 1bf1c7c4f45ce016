import type { FlagSpec } from './options.js';
import { GLOBAL_FLAGS } from './options.js';
import type { IO } from './io.js';
import { UsageError } from './errors.js';
import type { CommandDef } from './run.js';

export const COMPLETION_FLAGS = {} as const satisfies Record<string, FlagSpec>;

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * `zombie-audit completion fish`: a fish completion script from the same flag tables the
 * commands parse with (bash and zsh: `zombie-audit autocomplete`, oclif's plugin). Container
 * names are completed from `docker ps` where a command takes a container.
 */
export async function runCompletion(_flags: Record<string, unknown>, args: string[], io: IO, COMMANDS: Record<string, () => Promise<CommandDef>>): Promise<number> {
  if (args[0] !== 'fish') throw new UsageError(`completion takes fish${args[0] ? `, not ${JSON.stringify(args[0])}` : ''}`, 'bash and zsh: zombie-audit autocomplete bash|zsh');
  const names = Object.keys(COMMANDS).filter((n) => !n.includes(' '));
  const L = [
    '# zombie-audit completion for fish: zombie-audit completion fish > ~/.config/fish/completions/zombie-audit.fish',
    'complete -c zombie-audit -f',
    "function __zombie_audit_containers; docker ps --format '{{.Names}}' 2>/dev/null; end",
    `complete -c zombie-audit -n '__fish_use_subcommand' -a '(__zombie_audit_containers)' -d container`,
  ];
  const summaries: Record<string, string> = {
    audit: 'audit a container', probe: 'prove what PID 1 does', fix: 'put a reaper init in front', lint: 'lint Dockerfiles, compose, Kubernetes',
    watch: 'watch zombies pile up', explain: "print a finding's doc", shim: 'write the bundled za-shim', help: 'help for a command',
    version: 'the version', autocomplete: 'bash and zsh completion', completion: 'fish completion',
  };
  for (const [cmd, d] of Object.entries(summaries)) L.push(`complete -c zombie-audit -n '__fish_use_subcommand' -a ${cmd} -d ${q(d)}`);
  for (const name of names) {
    const def = await COMMANDS[name]();
    const when = name === 'audit' ? "'__fish_use_subcommand; or __fish_seen_subcommand_from audit'" : `'__fish_seen_subcommand_from ${name}'`;
    if (['audit', 'probe', 'fix', 'watch'].includes(name)) L.push(`complete -c zombie-audit -n '__fish_seen_subcommand_from ${name}' -a '(__zombie_audit_containers)' -d container`);
    for (const [flag, f] of Object.entries({ ...GLOBAL_FLAGS, ...def.flags } as Record<string, FlagSpec>)) {
      const parts = [`complete -c zombie-audit -n ${when} -l ${flag}`];
      if (f.char) parts.push(`-s ${f.char}`);
      if (f.type === 'string') parts.push(f.options ? `-x -a ${q(f.options.join(' '))}` : flag === 'dockerfile' || flag === 'config' ? '-r -F' : '-x');
      parts.push(`-d ${q(f.description.slice(0, 80))}`);
      L.push(parts.join(' '));
    }
  }
  L.push("complete -c zombie-audit -n '__fish_seen_subcommand_from lint' -F");
  io.stdout.write(L.join('\n') + '\n');
  return 0;
}
