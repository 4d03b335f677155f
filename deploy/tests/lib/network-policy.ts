/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- parsed YAML is untyped data: the Kubernetes and compose schemas validate its shape */
import type { K8sObject } from './files.js';

/** A pod (namespace, its labels, pod labels, IP) or an address outside the cluster. */
export type Peer =
  | { pod: Record<string, string>; namespace: string; nsLabels?: Record<string, string>; ip: string }
  | { ip: string };

const matches = (selector: any, labels: Record<string, string>): boolean => {
  if (selector?.matchExpressions)
    throw new Error('brAInwav: matchExpressions are not evaluated by the deploy checks');
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
};

const toInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base!) / size);
}

function peerMatches(entry: any, peer: Peer, policyNamespace: string): boolean {
  if (entry.ipBlock) {
    const { cidr, except = [] } = entry.ipBlock;
    return inCidr(peer.ip, cidr) && !except.some((e: string) => inCidr(peer.ip, e));
  }
  if (!('pod' in peer)) return false;
  const nsOk = entry.namespaceSelector
    ? matches(entry.namespaceSelector, { 'kubernetes.io/metadata.name': peer.namespace, ...peer.nsLabels })
    : peer.namespace === policyNamespace;
  return nsOk && (entry.podSelector ? matches(entry.podSelector, peer.pod) : true);
}

function ruleAllows(rule: any, peer: Peer, port: number, ns: string, side: 'from' | 'to'): boolean {
  const peers: any[] | undefined = rule[side];
  const portOk =
    !rule.ports || rule.ports.some((p: any) => (p.protocol ?? 'TCP') === 'TCP' && p.port === port);
  return portOk && (!peers || peers.length === 0 || peers.some((e) => peerMatches(e, peer, ns)));
}

function sideAllows(
  policies: K8sObject[],
  pod: Peer,
  other: Peer,
  port: number,
  type: 'Ingress' | 'Egress',
): boolean {
  if (!('pod' in pod)) return true;
  const selecting = policies.filter(
    (p) =>
      p.kind === 'NetworkPolicy' &&
      (p.metadata.namespace ?? 'default') === pod.namespace &&
      matches(p.spec.podSelector, pod.pod) &&
      (p.spec.policyTypes ?? ['Ingress']).includes(type),
  );
  if (selecting.length === 0) return true;
  const key = type === 'Ingress' ? 'ingress' : 'egress';
  const side = type === 'Ingress' ? 'from' : 'to';
  return selecting.some((p) =>
    (p.spec[key] ?? []).some((r: any) => ruleAllows(r, other, port, pod.namespace, side)),
  );
}

/** Whether `from` may open a TCP connection to `to:port` under the NetworkPolicy semantics (both ends' policies). */
export function connectionAllowed(policies: K8sObject[], from: Peer, to: Peer, port: number): boolean {
  return sideAllows(policies, from, to, port, 'Egress') && sideAllows(policies, to, from, port, 'Ingress');
}
