/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is untyped data: the Kubernetes and compose schemas validate its shape */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_FILE, composeProblems, haproxySections, loadCompose } from './lib/compose.js';
import { DEPLOY_DIR, readRepoFile } from './lib/files.js';

const compose = loadCompose();
const services = compose.services;

describe('docker-compose.yml', () => {
  it('validates against the compose-spec schema', () => {
    expect(composeProblems(compose)).toEqual([]);
  });

  it('the schema check can fail: a wrong type and an unknown service key are refused', () => {
    const broken = structuredClone(compose);
    broken.services.connectors.deploy.replicas = { count: 3 };
    broken.services.asbr.replica = 2;
    const problems = composeProblems(broken).join('\n');
    expect(problems).toMatch(/\/services\/connectors\/deploy\/replicas must be/);
    expect(problems).toMatch(/\/services\/asbr must NOT have additional properties/);
  });

  it('runs the cluster: Redis, 2 asbr, 3 connectors servers, HAProxy published on loopback only', () => {
    expect(Object.keys(services).sort()).toEqual(['asbr', 'connectors', 'haproxy', 'redis']);
    expect(services.asbr.deploy.replicas).toBe(2);
    expect(services.connectors.deploy.replicas).toBe(3);
    expect(services.haproxy.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(services.connectors.ports).toBeUndefined();
    expect(services.asbr.ports).toBeUndefined();
  });

  it.each(['redis', 'asbr', 'connectors', 'haproxy'])(
    '%s is hardened: read-only root, no capabilities, pinned image',
    (name) => {
      const service = services[name];
      expect(service.read_only).toBe(true);
      expect(service.cap_drop).toEqual(['ALL']);
      expect(service.security_opt).toContain('no-new-privileges:true');
      expect(service.tmpfs).toContain('/tmp');
      expect(service.image).toMatch(/:\d+\.\d+\.\d+[\w.-]*$/);
    },
  );

  it('takes every secret from the environment, never a literal', () => {
    for (const [name, service] of Object.entries<any>(services))
      for (const [key, value] of Object.entries<string>(service.environment ?? {}))
        if (/KEY|SECRET|JWK|TOKEN|PASSWORD|REDIS_URL/.test(key) && !/ALLOWED_HOSTS/.test(key))
          expect(String(value), `${name}.${key}`).toMatch(/\$\{[A-Z_]+:[?-][^}]*\}/);
  });
});

describe('haproxy.cfg mirrors the local cluster', () => {
  const sections = haproxySections(readRepoFile('deploy/compose/haproxy.cfg'));
  const backends = [
    ['connectors', 'connectors-replicas', 'CONNECTORS_PORT'],
    ['asbr', 'asbr-replicas', 'ASBR_PORT'],
  ] as const;

  it('retries only connection failures (a retry never runs a call twice)', () => {
    expect(sections.get('defaults')).toContain('retry-on conn-failure');
  });

  it.each(backends)('%s: round-robin without stickiness', (_service, backend) => {
    expect(sections.get(`backend ${backend}`)).toContain('balance roundrobin');
    const all = [...sections.values()].flat().join('\n');
    expect(all).not.toMatch(/^(cookie|stick|stick-table|hash-type|balance source)\b/m);
  });

  it.each(backends)(
    '%s: every replica health-checked on /readyz with a Host the guard accepts',
    (_s, backend) => {
      const lines = sections.get(`backend ${backend}`) ?? [];
      expect(lines).toContain('option httpchk');
      expect(lines.find((l) => l.startsWith('http-check send'))).toMatch(/uri \/readyz .*hdr Host localhost/);
      expect(lines).toContain('http-check expect status 200');
      expect(lines.find((l) => l.startsWith('default-server'))).toMatch(/\bcheck\b/);
    },
  );

  it.each(backends)(
    '%s: as many servers as compose runs, on the port the service listens on',
    (service, backend, port) => {
      const template = (sections.get(`backend ${backend}`) ?? []).find((l) =>
        l.startsWith('server-template'),
      )!;
      const [, , count, address] = template.split(/\s+/);
      expect(Number(count)).toBe(services[service].deploy.replicas);
      expect(address).toBe(`${service}:${services[service].environment[port]}`);
    },
  );

  it('publishes only the MCP frontend; the gateway reaches asbr through the asbr frontend', () => {
    expect(sections.get('frontend connectors')).toContain('bind :8080');
    expect(sections.get('frontend asbr')).toContain('bind :7070');
    expect(services.connectors.environment.ASBR_URL).toBe('http://haproxy:7070');
    expect(services.haproxy.volumes[0].source).toBe('./haproxy.cfg');
  });

  it('the compose file mounts files that exist', () => {
    for (const service of Object.values<any>(services))
      for (const volume of service.volumes ?? [])
        expect(() => readRepoFile(resolve(DEPLOY_DIR, 'compose', volume.source))).not.toThrow();
    expect(COMPOSE_FILE).toMatch(/docker-compose\.yml$/);
  });
});
