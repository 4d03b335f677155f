/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- parsed YAML is untyped data: the Kubernetes and compose schemas validate its shape */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp as buildAsbr, loadAsbrConfig } from '@cortex-os/asbr';
import { buildApp as buildConnectors, loadConnectorsConfig } from '@cortex-os/connectors';
import { parseManifest, parseSecretRef } from '@cortex-os/connectors-manifest';
import { DockerfileParser } from 'dockerfile-ast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompose } from './lib/compose.js';
import { DEPLOY_DIR, REPO_DIR, readRepoFile } from './lib/files.js';
import { renderKustomization } from './lib/kustomize.js';
import {
  composeEnv,
  fakeSecrets,
  k8sEnv,
  recordReads,
  serviceContainers,
  serviceOf,
  type ServiceName,
} from './lib/service-env.js';

const objects = renderKustomization(resolve(DEPLOY_DIR, 'kustomize/overlays/production'));
const containers = serviceContainers(objects);
const compose = loadCompose();
const manifestText = readRepoFile('deploy/compose/connectors.manifest.json');
const configMap = objects.find(
  (o) => o.kind === 'ConfigMap' && o.metadata.name === 'cortex-connectors-manifest',
)!;
const loaders: Record<ServiceName, (env: Record<string, string | undefined>) => any> = {
  asbr: (env) => loadAsbrConfig(env, REPO_DIR),
  connectors: (env) => loadConnectorsConfig(env, REPO_DIR),
};
/** ENV of the image's final stage: every container starts with it. */
const imageEnv: Record<string, string> = Object.fromEntries(
  DockerfileParser.parse(readRepoFile('Dockerfile'))
    .getENVs()
    .slice(-1)
    .flatMap((e) => e.getProperties().map((p) => [p.getName(), p.getValue() ?? ''])),
);
/** Upstream credentials named by the manifest's secretRefs: the gateway resolves these at call time. */
const secretRefNames = new Set(
  parseManifest(JSON.parse(manifestText)).connectors.flatMap((c: any) => {
    const ref = c.auth?.secretRef ? parseSecretRef(c.auth.secretRef) : undefined;
    return ref?.kind === 'env' ? [ref.name] : [];
  }),
);

let secrets: Record<string, string>;
const environments: { where: string; service: ServiceName; env: Record<string, string> }[] = [];
beforeAll(async () => {
  secrets = await fakeSecrets();
  for (const { service, container, object } of containers)
    environments.push({
      where: `kubernetes ${object.metadata.name}`,
      service,
      env: { ...imageEnv, ...k8sEnv(container, secrets) },
    });
  for (const [name, svc] of Object.entries<any>(compose.services)) {
    const service = serviceOf(svc.command);
    if (service)
      environments.push({
        where: `compose ${name}`,
        service,
        env: { ...imageEnv, ...composeEnv(svc, secrets) },
      });
  }
});

describe('the environment the manifests set is the one the services read', () => {
  it('covers both services in Kubernetes and compose', () => {
    expect(environments.map((e) => e.where).sort()).toEqual([
      'compose asbr',
      'compose connectors',
      'kubernetes cortex-asbr',
      'kubernetes cortex-connectors',
    ]);
  });

  it('every variable is read by the service config loader (or is an upstream secretRef), and the loader accepts the values', () => {
    for (const { where, service, env } of environments) {
      const { reads } = recordReads(env, loaders[service]);
      const unread = Object.keys(env).filter((name) => !reads.has(name) && !secretRefNames.has(name));
      expect(unread, where).toEqual([]);
    }
  });

  it('the 2 asbr replicas sign deterministically (identical bytes whichever replica answers)', () => {
    for (const { where, service, env } of environments)
      if (service === 'asbr') expect(loadAsbrConfig(env).deterministicSigning, where).toBe(true);
  });

  it('the check can fail: a misspelt variable is not read', () => {
    const { where, service, env } = environments[0]!;
    const { reads } = recordReads({ ...env, CONNECTORS_PORTT: '1' }, loaders[service]);
    expect(reads.has('CONNECTORS_PORTT'), where).toBe(false);
  });

  it('upstream credentials are the manifest secretRefs, in the default allow-list (CONNECTOR_*)', () => {
    expect([...secretRefNames]).toEqual(['CONNECTOR_TASKS_TOKEN']);
    expect(compose.services.connectors.environment.CONNECTOR_TASKS_TOKEN).toBeDefined();
    for (const name of secretRefNames) expect(name).toMatch(/^CONNECTOR_[A-Z0-9_]+$/);
  });

  it('Kubernetes and compose serve the same manifest, and it is a valid manifest', () => {
    expect(JSON.parse(configMap.data['connectors.manifest.json'])).toEqual(JSON.parse(manifestText));
    expect(parseManifest(JSON.parse(manifestText)).connectors).toHaveLength(1);
  });
});

describe('ports, hosts and paths agree with the services', () => {
  it('the ports the loaders yield are the container, Service, probe and HAProxy ports', () => {
    for (const { service, container, object } of containers) {
      const config = loaders[service]({ ...imageEnv, ...k8sEnv(container, secrets) });
      expect(container.ports[0].containerPort, object.metadata.name).toBe(config.port);
      const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === object.metadata.name)!;
      expect(svc.spec.ports[0].port).toBe(config.port);
    }
    const gateway = loadConnectorsConfig(composeEnv(compose.services.connectors, secrets));
    expect(readRepoFile('deploy/compose/haproxy.cfg')).toContain(`connectors:${gateway.port}`);
  });

  it('asbr accepts the Host the connectors server sends it, and listens where ASBR_URL points', () => {
    for (const [gatewayEnv, asbrEnv] of [
      [
        k8sEnv(containers.find((c) => c.service === 'connectors')!.container, secrets),
        k8sEnv(containers.find((c) => c.service === 'asbr')!.container, secrets),
      ],
      [composeEnv(compose.services.connectors, secrets), composeEnv(compose.services.asbr, secrets)],
    ]) {
      const url = new URL(loadConnectorsConfig(gatewayEnv!).asbrUrl);
      const asbr = loadAsbrConfig(asbrEnv!);
      expect(asbr.guard.allowedHosts).toContain(url.hostname);
      expect(Number(url.port)).toBe(asbr.port);
    }
  });

  it('the public URL is the Ingress host, which the gateway accepts as Host', () => {
    const gateway = loadConnectorsConfig(
      k8sEnv(containers.find((c) => c.service === 'connectors')!.container, secrets),
    );
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    const host = new URL(gateway.identity.publicUrl).hostname;
    expect(ingress.spec.rules[0].host).toBe(host);
    expect(gateway.guard.allowedHosts).toContain(host);
  });

  it("asbr's CONNECTORS_MANIFEST_PATH is the mounted manifest (ConfigMap key, compose bind mount)", () => {
    const { container, object } = containers.find((c) => c.service === 'asbr')!;
    const path = k8sEnv(container, secrets).CONNECTORS_MANIFEST_PATH!;
    const mount = container.volumeMounts.find((m: any) => path.startsWith(`${m.mountPath}/`));
    const volume = object.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    const source = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name)!;
    expect(Object.keys(source.data)).toContain(path.slice(mount.mountPath.length + 1));
    const bind = compose.services.asbr.volumes[0];
    expect(bind.target).toBe(compose.services.asbr.environment.CONNECTORS_MANIFEST_PATH);
    expect(resolve(DEPLOY_DIR, 'compose', bind.source)).toBe(
      resolve(DEPLOY_DIR, 'compose/connectors.manifest.json'),
    );
  });

  it('the entry points exist as sources of the built files, and writable paths are volumes', () => {
    for (const { container, object } of containers) {
      const main = container.args[1].replace('/dist/', '/src/').replace(/\.js$/, '.ts');
      expect(existsSync(resolve(REPO_DIR, main)), main).toBe(true);
      const mounts = container.volumeMounts.map((m: any) => m.mountPath);
      expect(mounts, object.metadata.name).toContain('/tmp');
      for (const [name, value] of Object.entries(k8sEnv(container, secrets)))
        if (/_DIR$|_LOG$/.test(name))
          expect(
            mounts.some((m: string) => value.startsWith(m)),
            name,
          ).toBe(true);
    }
  });
});

describe('the probes hit routes that exist and answer 200 on a real asbr and connectors server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brainwav-deploy-'));
  let asbr: Awaited<ReturnType<typeof buildAsbr>>;
  let gateway: Awaited<ReturnType<typeof buildConnectors>>;
  const probesOf = (service: ServiceName) => {
    const { container } = containers.find((c) => c.service === service)!;
    return ['startupProbe', 'readinessProbe', 'livenessProbe'].flatMap((p) =>
      container[p]?.httpGet ? [container[p].httpGet] : [],
    );
  };
  const headers = (probe: any): Record<string, string> =>
    Object.fromEntries((probe.httpHeaders ?? []).map((h: any) => [h.name.toLowerCase(), h.value]));

  beforeAll(async () => {
    const asbrEnv = k8sEnv(containers.find((c) => c.service === 'asbr')!.container, secrets);
    asbr = await buildAsbr({
      config: loadAsbrConfig({
        ...asbrEnv,
        CONNECTORS_MANIFEST_PATH: resolve(DEPLOY_DIR, 'compose/connectors.manifest.json'),
        LOG_LEVEL: 'silent',
      }),
    });
    const asbrUrl = await asbr.listen({ port: 0, host: '127.0.0.1' });
    const { REDIS_URL: _shared, ...gatewayEnv } = k8sEnv(
      containers.find((c) => c.service === 'connectors')!.container,
      secrets,
    );
    gateway = await buildConnectors({
      config: loadConnectorsConfig({
        ...gatewayEnv,
        ASBR_URL: asbrUrl,
        LOG_LEVEL: 'silent',
        CONNECTORS_WORKSPACES_DIR: join(dir, 'workspaces'),
        CONNECTORS_AUDIT_LOG: join(dir, 'audit.jsonl'),
      }),
      probeIntervalMs: 60_000,
    });
    await gateway.ready();
    for (let i = 0; i < 50 && (await gateway.inject({ url: '/readyz' })).statusCode !== 200; i++)
      await new Promise((r) => setTimeout(r, 100));
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await asbr?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['asbr', 'connectors'] as const)(
    '%s: every HTTP probe answers 200 with the headers it sends',
    async (service) => {
      const app = service === 'asbr' ? asbr : gateway;
      const probes = probesOf(service);
      expect(probes.map((p) => p.path).sort()).toEqual(
        service === 'asbr' ? ['/healthz', '/readyz'] : ['/healthz', '/healthz', '/readyz'],
      );
      for (const probe of probes) {
        const res = await app.inject({ method: 'GET', url: probe.path, headers: headers(probe) });
        expect(res.statusCode, `${service} ${probe.path}`).toBe(200);
      }
    },
  );

  it("the kubelet's default Host (the pod IP) would be refused: the probes need their Host header", async () => {
    const res = await gateway.inject({
      method: 'GET',
      url: '/readyz',
      headers: { host: '10.244.0.10:7071' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('HOST_NOT_ALLOWED');
  });
});
