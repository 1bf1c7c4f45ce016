import type { GraceSource, PodNames } from '../runtime.js';

/**
 * What the kubelet (through the CRI plugin) records on the containers it makes, and what the
 * tool reads of it. Pure functions, tested on real labels and annotations.
 */
export const K8S = {
  podNamespace: 'io.kubernetes.pod.namespace',
  podName: 'io.kubernetes.pod.name',
  containerName: 'io.kubernetes.container.name',
  /** the kubelet's container annotation with the pod's terminationGracePeriodSeconds */
  grace: 'io.kubernetes.pod.terminationGracePeriod',
  /** the CRI plugin's label: sandbox (the pause container) or container */
  criKind: 'io.cri-containerd.kind',
  /** the CRI plugin's annotation on the OCI spec: sandbox or container */
  criType: 'io.kubernetes.cri.container-type',
  /** the image's STOPSIGNAL, as containerd's image config labels it */
  stopSignal: 'io.containerd.image.config.stop-signal',
} as const;

/** Kubernetes' default terminationGracePeriodSeconds */
export const K8S_DEFAULT_GRACE = 30;
/** what `nerdctl stop` waits when nothing else says (containerd itself has no stop timeout) */
export const CONTAINERD_DEFAULT_GRACE = 10;

export function podNames(labels: Record<string, string>): PodNames | undefined {
  const namespace = labels[K8S.podNamespace];
  const pod = labels[K8S.podName];
  if (!namespace || !pod) return undefined;
  return { namespace, pod, container: labels[K8S.containerName] ?? '' };
}

/** `namespace/pod/container`, `namespace/pod` for a sandbox, or the container id. */
export function displayName(id: string, pod: PodNames | undefined): string {
  if (!pod) return id;
  return pod.container ? `${pod.namespace}/${pod.pod}/${pod.container}` : `${pod.namespace}/${pod.pod}`;
}

/** The pod's pause container: by the CRI's label or annotation, or a pause image. */
export function isSandbox(labels: Record<string, string>, image: string, annotations: Record<string, string> = {}): boolean {
  if (labels[K8S.criKind] === 'sandbox' || annotations[K8S.criType] === 'sandbox') return true;
  if (labels[K8S.criKind] === 'container' || annotations[K8S.criType] === 'container') return false;
  // registry.k8s.io/pause:3.9, k8s.gcr.io/pause, .../pause-amd64:3.1
  return /(^|\/)pause(-(amd64|arm64|arm|386|ppc64le|s390x))?(:[^/]*)?(@sha256:[0-9a-f]+)?$/.test(image);
}

/** The stop grace and where it comes from. */
export function stopGrace(labels: Record<string, string>, annotations: Record<string, string>): { seconds: number; source: GraceSource } {
  const recorded = annotations[K8S.grace] ?? labels[K8S.grace];
  if (recorded !== undefined && /^\d+$/.test(recorded.trim())) return { seconds: Number(recorded.trim()), source: 'kubernetes' };
  if (podNames(labels)) return { seconds: K8S_DEFAULT_GRACE, source: 'kubernetes-default' };
  return { seconds: CONTAINERD_DEFAULT_GRACE, source: 'engine-default' };
}

export type RefMatch =
  | { kind: 'one'; id: string }
  | { kind: 'none' }
  | { kind: 'ambiguous'; names: string[] };

export interface Candidate {
  id: string;
  pod?: PodNames;
  sandbox: boolean;
  running: boolean;
  /** seconds since the epoch the container was created (newest wins among restarts) */
  created: number;
}

/**
 * Resolve a user's reference: an exact id, `namespace/pod/container`, `namespace/pod` (one app
 * container), or an unambiguous id prefix. Among the kubelet's restarts of one container (same
 * names) the running one wins, then the newest.
 */
export function matchRef(ref: string, cands: readonly Candidate[]): RefMatch {
  const exact = cands.find((c) => c.id === ref);
  if (exact) return { kind: 'one', id: exact.id };
  const best = (list: Candidate[]): Candidate => [...list].sort((a, b) => Number(b.running) - Number(a.running) || b.created - a.created)[0];
  const parts = ref.split('/');
  if (parts.length === 3 || parts.length === 2) {
    const [ns, pod, container] = parts;
    const inPod = cands.filter((c) => c.pod && !c.sandbox && c.pod.namespace === ns && c.pod.pod === pod);
    if (parts.length === 3) {
      const named = inPod.filter((c) => c.pod!.container === container);
      if (named.length) return { kind: 'one', id: best(named).id };
      return { kind: 'none' };
    }
    const names = [...new Set(inPod.map((c) => c.pod!.container))];
    if (names.length === 1) return { kind: 'one', id: best(inPod).id };
    if (names.length > 1) return { kind: 'ambiguous', names: names.sort().map((n) => `${ns}/${pod}/${n}`) };
    return { kind: 'none' };
  }
  if (ref.length >= 3) {
    const pre = cands.filter((c) => c.id.startsWith(ref));
    if (pre.length === 1) return { kind: 'one', id: pre[0].id };
    if (pre.length > 1) return { kind: 'ambiguous', names: pre.map((c) => displayName(c.id, c.pod)).sort() };
  }
  return { kind: 'none' };
}

/** Names close to `ref`, for "did you mean". */
export function nearNames(ref: string, cands: readonly Candidate[]): string[] {
  const r = ref.toLowerCase();
  const names = cands.filter((c) => !c.sandbox).map((c) => displayName(c.id, c.pod));
  const tail = r.split('/').filter(Boolean);
  return names.filter((n) => {
    const l = n.toLowerCase();
    return l.includes(r) || r.includes(l) || tail.some((t) => t.length >= 3 && l.split('/').some((p) => p.includes(t)));
  }).slice(0, 3);
}
