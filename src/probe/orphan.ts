import type { Engine } from '../engine/client.js';
import { ZaError } from '../engine/errors.js';
import { runHelper } from '../collect/helper.js';

/**
 * The zombie probe: make one orphan inside the container's PID namespace and watch whether
 * PID 1 reaps it. The orphan is a grandchild of the probe whose parent exits at once, so the
 * kernel hands it to the namespace's PID 1 (or to a subreaper); it exits 200 ms later.
 * By exec: a constant script (argv, no user input). Without a shell: za-proc --orphan in a
 * helper container that joins the container's PID namespace.
 * Leaves nothing, except, where PID 1 never reaps, that one zombie until the container restarts.
 */
export function orphanScript(timeoutMs: number): string {
  const loops = Math.ceil((timeoutMs + 200) / 20);
  return String.raw`cd /proc || exit 97
p=$(/bin/sh -c 'sleep 0.2 </dev/null >/dev/null 2>&1 & echo $!')
[ -n "$p" ] || exit 98
read -r u _ < uptime
read -r s < "$p/stat" || { echo "O $p $u 1"; read -r u _ < uptime; echo "R $u"; exit 0; }
r=${"$"}{s##*) }; t=${"$"}{r#? }; pp=${"$"}{t%% *}; set -- $r; st=${"$"}{20}
echo "O $p $u $pp"
i=0; z=
while [ $i -lt ${loops} ]; do
  if read -r s 2>/dev/null < "$p/stat" && r=${"$"}{s##*) } && set -- $r && [ "${"$"}{20}" = "$st" ]; then
    case $r in Z*) [ -z "$z" ] && { read -r u _ < uptime; echo "Z $u"; z=1; } ;; esac
  else
    read -r u _ < uptime; echo "R $u"; exit 0
  fi
  sleep 0.02
  i=$((i + 1))
done
read -r u _ < uptime; echo "T $u"
`;
}

export interface OrphanResult {
  orphanPid: number;
  /** who the orphan was handed to: 1, or a subreaper's pid */
  reparentedTo: number;
  reaped: boolean;
  /** from the orphan's exit (first seen as a zombie, or 200 ms after it started) to its reaping; 10 ms resolution */
  ms?: number;
  /** how long the probe watched */
  watchedMs: number;
  method: 'exec' | 'helper';
}

export function parseOrphan(text: string, method: 'exec' | 'helper'): OrphanResult {
  const o = /^O (\d+) ([\d.]+) (-?\d+)$/m.exec(text);
  if (!o) throw new ZaError('BAD_OUTPUT', `the orphan probe printed no result: ${text.trim().slice(0, 200) || '(nothing)'}`);
  const start = Number(o[2]);
  const z = /^Z ([\d.]+)$/m.exec(text);
  const r = /^R ([\d.]+)$/m.exec(text);
  const t = /^T ([\d.]+)$/m.exec(text);
  const exitAt = z ? Number(z[1]) : start + 0.2;
  const end = r ? Number(r[1]) : t ? Number(t[1]) : start;
  return {
    orphanPid: Number(o[1]), reparentedTo: Number(o[3]), reaped: !!r,
    ms: r ? Math.max(0, Math.round((Number(r[1]) - exitAt) * 1000)) : undefined,
    watchedMs: Math.round((end - start) * 1000), method,
  };
}

const NO_SHELL = /exec failed|no such file or directory|executable file not found/i;

export async function orphanProbe(engine: Engine, id: string, opts: { timeoutMs: number; method: 'auto' | 'exec' | 'helper' }): Promise<OrphanResult> {
  if (opts.method !== 'helper') {
    const out = await engine.exec(id, ['/bin/sh', '-c', orphanScript(opts.timeoutMs)], { timeoutMs: opts.timeoutMs + 30_000 });
    if (/^O /m.test(out.stdout)) return parseOrphan(out.stdout, 'exec');
    if (!NO_SHELL.test(out.stdout + out.stderr) || opts.method === 'exec') {
      throw new ZaError('BAD_OUTPUT', `the orphan probe failed: ${(out.stdout + out.stderr).trim().slice(0, 200)}`);
    }
  }
  const out = await runHelper(engine, `container:${id}`, ['--orphan', String(opts.timeoutMs)], { timeoutMs: opts.timeoutMs + 30_000 });
  return parseOrphan(out, 'helper');
}
