import type { PodNames } from '../engine/runtime.js';

/**
 * Label values come from containers (names, image references, the kubelet's labels, process
 * names): hostile text. Each is made well-formed UTF-8, stripped of control characters and cut to
 * a bounded length; prom-client escapes what is left (backslash, double quote, newline).
 */
export const MAX_LABEL = 128;
export const MAX_COMMAND = 64;

// C0 and C1 controls, DEL, and the bidi overrides/isolates that make text lie when shown
 
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function boundLabel(value: string | undefined, max = MAX_LABEL): string {
  if (!value) return '';
  let s = value.replace(LONE_SURROGATE, '\ufffd').replace(UNSAFE, '?');
  const chars = [...s];
  if (chars.length > max) s = chars.slice(0, max - 1).join('') + '…';
  return s;
}

/** Pod names from the kubelet's labels on a container (dockershim, cri-dockerd, containerd's CRI). */
export function podNamesOf(labels: Record<string, string> | null | undefined): PodNames | undefined {
  if (!labels) return undefined;
  const namespace = labels['io.kubernetes.pod.namespace'];
  const pod = labels['io.kubernetes.pod.name'];
  const container = labels['io.kubernetes.container.name'];
  if (!namespace || !pod || !container) return undefined;
  return { namespace, pod, container };
}

/** The labels every per-container series carries. */
export const CONTAINER_LABELS = ['container_name', 'container_id', 'image', 'namespace', 'pod', 'container'] as const;
export type ContainerLabelName = (typeof CONTAINER_LABELS)[number];
