import type { ProbeReport } from '../probe/probe.js';
import { escapeStrings } from './escape.js';
import { renderFindings } from './findings.js';
import { makeStyle } from './style.js';

export async function renderProbeHuman(raw: ProbeReport, color: boolean): Promise<string> {
  const r = escapeStrings(raw);
  const s = await makeStyle(color);
  const L: string[] = [];
  L.push(`${s.bold('Probe')} ${r.container.name} ${s.dim(`(${r.container.image}, ${r.container.id.slice(0, 12)})`)}`);
  L.push(`${s.bold('PID 1')}      ${r.pid1.argv?.join(' ') ?? r.pid1.name}  ${s.dim(`[${r.pid1.kind}${r.pid1.init ? ': ' + r.pid1.init : ''}]`)}`);
  if (r.zombieProbe) {
    const z = r.zombieProbe;
    L.push(`${s.bold('Zombies')}    ${z.reaped ? s.green(z.summary) : s.red(z.summary)}  ${s.dim(`(${z.method === 'exec' ? 'made by a docker exec' : 'made by a helper in its PID namespace'})`)}`);
  }
  const term = (label: string, t: NonNullable<ProbeReport['termProbe']>) => {
    const col = t.verdict === 'graceful' ? s.green : s.red;
    const how = t.method === 'sandbox' ? `on a sandbox copy${t.sandbox?.replacedMounts.length ? `, ${t.sandbox.replacedMounts.length} volume(s) replaced by empty tmpfs` : ''}; removed`
      : t.method === 'live' ? 'on the LIVE container (--live)' : 'sent to the live container: /proc proved PID 1 drops it';
    L.push(`${s.bold(label.padEnd(10))} ${col(t.summary)}  ${s.dim(`(${how})`)}`);
    for (const c of t.children) {
      L.push(`           ${s.dim('•')} pid ${c.pid} ${c.name}: ${c.fate === 'exited-before-pid1' ? 'exited before PID 1' : c.fate === 'killed-with-pid1' ? s.yellow('still running when PID 1 exited: SIGKILLed by the kernel') : 'not observed (the container ended before a sample after the signal)'}`);
    }
  };
  if (r.termProbe) term(r.termProbe.signal, r.termProbe);
  for (const p of r.signalProbes) term(p.signal, p);
  L.push(`${s.bold('Inferred')}   ${s.dim(r.inferredStop.summary)}`);
  for (const e of r.errors) L.push(s.yellow(`${e.probe} probe not run: ${e.message}`));
  L.push(`${s.bold('Leaves')}     ${r.leaves.length ? r.leaves.join('; ') : 'nothing'}`);
  L.push('');
  L.push(renderFindings(r.findings, s).trimEnd());
  return L.join('\n') + '\n';
}
