import type { AuditReport, TreeNode } from '../analysis/audit.js';
import type { Disposition } from '../analysis/signals.js';
import { escapeText as e } from './escape.js';
import { renderFindings } from './findings.js';
import type { Style } from './style.js';

function disp(d: Disposition, s: Style): string {
  if (d === 'dropped' || d === 'ignored') return s.red(d);
  if (d === 'handled' || d === 'forwarded') return s.green(d);
  return s.yellow(d);
}

function renderTree(nodes: readonly TreeNode[], s: Style, prefix = '', out: string[] = []): string[] {
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    const branch = prefix === '' && out.length === 0 && i === 0 ? '' : last ? '└─ ' : '├─ ';
    const text = n.pid < 0 ? s.dim(e(n.name)) : `${n.pid} ${n.zombie ? s.red(`[${e(n.name)}] <zombie>`) : e(n.name)}`;
    out.push(prefix + branch + text);
    const next = prefix + (branch === '' ? '' : last ? '   ' : '│  ');
    renderTree(n.children, s, next, out);
  });
  return out;
}

export async function renderAuditHuman(r: AuditReport, s: Style, opts: { tree?: boolean } = {}): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const L: string[] = [];
  L.push(`${s.bold('Container')} ${e(r.container.name)} ${s.dim(`(${e(r.container.image)}, ${e(r.container.id.slice(0, 12))})`)}`);
  L.push(s.dim(`read by ${e(r.methodText)}`));
  L.push('');
  const argv = e(r.pid1.argv ? r.pid1.argv.join(' ') : r.pid1.name);
  L.push(`${s.bold('PID 1')}     ${argv}  ${s.dim(`[${r.pid1.kind}${r.pid1.init ? ': ' + e(r.pid1.init) : ''}]`)}`);
  L.push(`${s.bold('Signals')}   ${(['TERM', 'INT', 'HUP', 'QUIT'] as const).map((k) => `${k} ${disp(r.pid1.signals[k], s)}`).join('  ')}`);
  const stopColor = r.stop.outcome === 'killed' ? s.red : r.stop.outcome === 'graceful' ? s.green : s.yellow;
  L.push(`${s.bold('Stop')}      ${stopColor(e(r.stop.summary))}`);
  const pids = r.pids.max !== undefined
    ? `${r.pids.current} of ${r.pids.max} in use (${r.pids.headroom} left; ${e(r.pids.source)})`
    : `${r.pids.current ?? r.processes.total} in use (${e(r.pids.source)})`;
  L.push(`${s.bold('PIDs')}      ${pids}`);
  L.push(`${s.bold('Processes')} ${r.processes.total}: ${r.processes.live} live, ${r.processes.zombies === 0 ? '0 zombies' : s.red(`${r.processes.zombies} zombies`)}`);
  if (r.zombieParents.length > 0) {
    L.push('');
    const t = new Table({
      head: ['parent pid', 'parent', 'zombies', 'oldest (s)', 'who can reap them'],
      style: { head: s.color ? ['bold'] : [], border: s.color ? ['grey'] : [] },
    });
    for (const g of r.zombieParents) {
      t.push([String(g.ppid), e(g.parentName), String(g.count), g.oldestSeconds === undefined ? '?' : String(g.oldestSeconds),
        g.reaper === 'pid1' ? 'PID 1: the init\'s job (add an init, or make PID 1 wait)' : `pid ${g.ppid}'s bug: no init can until it exits`]);
    }
    L.push(t.toString());
  }
  if (opts.tree !== false) {
    L.push('');
    L.push(s.bold('Process tree'));
    L.push(...renderTree(r.tree, s));
  }
  L.push('');
  L.push(renderFindings(r.findings, s).trimEnd());
  return L.join('\n') + '\n';
}
