/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is untyped data: the Kubernetes and compose schemas validate its shape */
import { randomBytes } from 'node:crypto';
import { generateSigningKey } from '@cortex-os/connectors-manifest';
import type { K8sObject } from './files.js';
import { containersOf } from './kustomize.js';

/** Which service a container or compose service runs, from its arguments. */
export type ServiceName = 'asbr' | 'connectors';
export const serviceOf = (args: readonly string[] = []): ServiceName | undefined =>
  args.join(' ').includes('packages/asbr/dist/main.js')
    ? 'asbr'
    : args.join(' ').includes('packages/connectors/dist/main.js')
      ? 'connectors'
      : undefined;

/** Stand-in secret values of the right shape (the real ones are never in the repository). */
export async function fakeSecrets(): Promise<Record<string, string>> {
  const key = await generateSigningKey('EdDSA');
  const signing = key.signing.alg === 'EdDSA' ? JSON.stringify(key.signing.privateJwk) : '';
  const asbrKey = `asbr-${randomBytes(16).toString('hex')}`;
  const values = {
    signingJwk: signing,
    verifyKeys: JSON.stringify([key.verify]),
    asbrKey,
    restKeys: `rest-${randomBytes(16).toString('hex')}`,
    mcpKeys: `mcp-${randomBytes(16).toString('hex')}`,
    sessionKeys: randomBytes(32).toString('base64'),
    redisPassword: randomBytes(12).toString('hex'),
  };
  return {
    // Kubernetes Secret keys
    'signing-jwk': values.signingJwk,
    'verify-keys': values.verifyKeys,
    'asbr-api-key': values.asbrKey,
    'asbr-api-keys': values.asbrKey,
    'rest-api-keys': values.restKeys,
    'mcp-api-keys': values.mcpKeys,
    'session-keys': values.sessionKeys,
    'redis-url': `redis://:${values.redisPassword}@cortex-redis:6379/0`,
    // compose interpolation variables
    CONNECTORS_SIGNING_JWK: values.signingJwk,
    CONNECTORS_VERIFY_KEYS: values.verifyKeys,
    ASBR_API_KEY: values.asbrKey,
    CONNECTORS_API_KEY: values.restKeys,
    MCP_API_KEY: values.mcpKeys,
    CONNECTORS_SESSION_KEYS: values.sessionKeys,
    REDIS_PASSWORD: values.redisPassword,
  };
}

/** A service's environment as Kubernetes would give it: values, and Secret references resolved from `secrets`. */
export function k8sEnv(container: any, secrets: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef?.key;
    env[entry.name] = ref !== undefined ? (secrets[ref] ?? '') : String(entry.value);
  }
  return env;
}

/** Compose's `${NAME:?msg}` / `${NAME:-default}` interpolation, with `vars` as the operator's environment. */
export function composeEnv(service: any, vars: Record<string, string>): Record<string, string> {
  const interpolate = (value: string): string =>
    value.replace(/\$\{([A-Z_]+)(?::([?-])([^}]*))?\}/g, (_m, name: string, op?: string, rest?: string) => {
      const set = vars[name];
      if (set !== undefined && set !== '') return set;
      if (op === '?') throw new Error(`brAInwav: compose needs ${name}`);
      return op === '-' ? (rest ?? '') : '';
    });
  return Object.fromEntries(
    Object.entries<string>(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
  );
}

/** The containers of our image in the rendered objects, with the service each runs. */
export function serviceContainers(
  objects: K8sObject[],
): { service: ServiceName; container: any; object: K8sObject }[] {
  return objects.flatMap((object) =>
    containersOf(object).flatMap((container) => {
      const service = serviceOf(container.args);
      return service ? [{ service, container, object }] : [];
    }),
  );
}

/** Runs `read(env)` over a proxy and returns the names it looked up (and what it returned or threw). */
export function recordReads<T>(
  env: Record<string, string>,
  read: (env: Record<string, string | undefined>) => T,
): { reads: Set<string>; result: T } {
  const reads = new Set<string>();
  const proxy = new Proxy(env, {
    get: (target, key) => {
      if (typeof key === 'string') reads.add(key);
      return target[key as string];
    },
  });
  return { reads, result: read(proxy) };
}
