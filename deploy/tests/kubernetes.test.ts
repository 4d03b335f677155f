/* eslint-disable @typescript-eslint/no-unsafe-return -- parsed YAML is untyped data: the Kubernetes and compose schemas validate its shape */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY_DIR, REPO_DIR, filesUnder, loadYamlDocuments, type K8sObject } from './lib/files.js';
import { schemaProblems } from './lib/k8s-schema.js';
import { containersOf, renderKustomization } from './lib/kustomize.js';
import { connectionAllowed, type Peer } from './lib/network-policy.js';

const BASE = resolve(DEPLOY_DIR, 'kustomize/base');
const PRODUCTION = resolve(DEPLOY_DIR, 'kustomize/overlays/production');
const rendered = { base: renderKustomization(BASE), production: renderKustomization(PRODUCTION) };
const objects = rendered.production;
const find = (kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`brAInwav: no ${kind} ${name}`);
  return found;
};
const workloads = objects.filter((o) => containersOf(o).length > 0);
const SECRETISH = /KEY|SECRET|JWK|TOKEN|PASSWORD|REDIS_URL/;

describe('every YAML file under deploy/ parses', () => {
  it.each(filesUnder(DEPLOY_DIR, ['.yaml', '.yml']))('%s', (path) => {
    expect(loadYamlDocuments(resolve(REPO_DIR, path)).length).toBeGreaterThan(0);
  });
});

describe('Kubernetes objects validate against their API schemas', () => {
  it.each(Object.entries(rendered))('%s renders only valid objects', (_name, list) => {
    expect(list.length).toBeGreaterThan(10);
    expect(list.flatMap(schemaProblems)).toEqual([]);
  });

  it('the validator rejects a wrongly typed field (the check can fail)', () => {
    const broken = structuredClone(find('Deployment', 'cortex-connectors'));
    broken.spec.replicas = 'three';
    containersOf(broken)[0].ports[0].containerPort = 'http';
    expect(schemaProblems(broken).join()).toMatch(/replicas must be integer.*containerPort must be integer/);
    expect(schemaProblems({ ...broken, apiVersion: 'apps/v1beta1' })).toHaveLength(1);
  });

  it('the overlay renders like kustomize: namespace on namespaced objects, image and replicas rules', () => {
    expect(
      objects
        .filter((o) => o.kind !== 'Namespace')
        .every((o) => o.metadata.namespace === 'cortex-connectors'),
    ).toBe(true);
    expect(find('Deployment', 'cortex-connectors').spec.replicas).toBe(3);
    expect(find('Deployment', 'cortex-asbr').spec.replicas).toBe(2);
    expect(() =>
      renderKustomization(resolve(DEPLOY_DIR, 'tests/fixtures/unsupported-kustomization')),
    ).toThrow(/uses "patches"/);
  });
});

describe('the cluster', () => {
  it('runs 2 asbr, 3 connectors-server replicas and one Redis, each behind a Service', () => {
    expect(find('Deployment', 'cortex-asbr').spec.replicas).toBe(2);
    expect(find('Deployment', 'cortex-connectors').spec.replicas).toBe(3);
    expect(find('StatefulSet', 'cortex-redis').spec.replicas).toBe(1);
    for (const name of ['cortex-asbr', 'cortex-connectors', 'cortex-redis']) {
      const service = find('Service', name);
      const workload = workloads.find((w) => w.metadata.name === name)!;
      expect(service.spec.selector).toEqual(workload.spec.selector.matchLabels);
      expect(workload.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    }
    expect(find('Service', 'cortex-connectors').spec.sessionAffinity).toBe('None');
  });

  it.each(workloads.flatMap((w) => containersOf(w).map((c) => [`${w.metadata.name}/${c.name}`, w, c])))(
    '%s: probes, resources, hardened security context, pinned image',
    (_id, workload, container) => {
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
      for (const kind of ['requests', 'limits'])
        expect(Object.keys(container.resources[kind]).sort()).toEqual(['cpu', 'memory']);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const pod = workload.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.image).toMatch(/(:\d+\.\d+\.\d+[\w.-]*|@sha256:[0-9a-f]{64})$/);
      expect(container.command === undefined || container.command[0] === 'sh').toBe(true);
    },
  );

  it('every secret is a reference: no Secret object, no literal value for a secret-like variable', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const container of workloads.flatMap(containersOf))
      for (const env of container.env ?? []) {
        if (SECRETISH.test(env.name) && !/ALLOWED_HOSTS/.test(env.name)) {
          expect(env.value, env.name).toBeUndefined();
          expect(env.valueFrom?.secretKeyRef?.name, env.name).toBe('cortex-connectors-secrets');
        }
      }
  });

  it('a PodDisruptionBudget keeps 2 gateway and 1 asbr replicas; HPAs scale on CPU from the Deployment counts', () => {
    expect(find('PodDisruptionBudget', 'cortex-connectors').spec.minAvailable).toBe(2);
    expect(find('PodDisruptionBudget', 'cortex-asbr').spec.minAvailable).toBe(1);
    for (const name of ['cortex-connectors', 'cortex-asbr']) {
      const hpa = find('HorizontalPodAutoscaler', name);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa.spec.minReplicas).toBe(find('Deployment', name).spec.replicas);
      expect(hpa.spec.metrics[0].resource).toMatchObject({ name: 'cpu', target: { type: 'Utilization' } });
      const pods = find('Deployment', name).spec.template.metadata.labels;
      expect(pods).toMatchObject(find('PodDisruptionBudget', name).spec.selector.matchLabels);
    }
  });
});

describe('NetworkPolicy', () => {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const app = (component: string, ip: string): Peer => ({
    pod: { 'app.kubernetes.io/part-of': 'cortex-connectors', 'app.kubernetes.io/component': component },
    namespace: 'cortex-connectors',
    ip,
  });
  const connectors = app('connectors', '10.244.0.10');
  const asbr = app('asbr', '10.244.0.11');
  const redis = app('redis', '10.244.0.12');
  const ingress: Peer = {
    pod: { 'app.kubernetes.io/name': 'ingress-nginx' },
    namespace: 'ingress-nginx',
    ip: '10.244.1.2',
  };
  const stranger: Peer = { pod: { app: 'other' }, namespace: 'cortex-connectors', ip: '10.244.0.99' };
  const otherNs: Peer = {
    pod: { 'app.kubernetes.io/part-of': 'cortex-connectors', 'app.kubernetes.io/component': 'connectors' },
    namespace: 'elsewhere',
    ip: '10.244.2.3',
  };
  const dns: Peer = { pod: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system', ip: '10.96.0.10' };

  it.each([
    ['the ingress controller → connectors', ingress, connectors, 7071, true],
    ['a pod of the namespace → connectors', stranger, connectors, 7071, false],
    ['the ingress controller → asbr', ingress, asbr, 7070, false],
    ['connectors → asbr', connectors, asbr, 7070, true],
    ['a pod of the namespace → asbr', stranger, asbr, 7070, false],
    ['a look-alike in another namespace → asbr', otherNs, asbr, 7070, false],
    ['connectors → Redis', connectors, redis, 6379, true],
    ['asbr → Redis', asbr, redis, 6379, false],
    ['a pod of the namespace → Redis', stranger, redis, 6379, false],
    ['connectors → DNS', connectors, dns, 53, true],
    ['connectors → an upstream on 443', connectors, { ip: '93.184.216.34' }, 443, true],
    ['connectors → an upstream on 80', connectors, { ip: '93.184.216.34' }, 80, false],
    ['connectors → cloud metadata', connectors, { ip: '169.254.169.254' }, 443, false],
    ['connectors → a private address', connectors, { ip: '10.1.2.3' }, 443, false],
    ['asbr → the internet', asbr, { ip: '93.184.216.34' }, 443, false],
  ] as const)('%s: %s', (_name, from, to, port, allowed) => {
    expect(connectionAllowed(policies, from, to, port)).toBe(allowed);
  });

  it('without the policies everything would be allowed (the evaluator is not vacuous)', () => {
    expect(connectionAllowed([], stranger, redis, 6379)).toBe(true);
  });
});
