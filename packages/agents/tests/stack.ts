import type { ManifestInput, ServiceMapConnector } from '@cortex-os/connectors-manifest';
import { createRemoteToolProxy } from '@cortex-os/mcp-bridge';
import { createSilentLogger } from '@cortex-os/telemetry';
import type { RecordedModelCall } from '@openai/agents/testing';
import { createConnectorsRegistry, type ConnectorsRegistry } from '../src/index.js';
import { API_KEY, hsSigner, SECRET_A, signedMap, startMapServer, type MapServer } from './helpers.js';

/** A map server plus a registry (system clock) whose proxies are real, with no hidden retries. */
export interface Stack {
  readonly server: MapServer;
  readonly registry: ConnectorsRegistry;
  /** Serves a new signed map version with `connectors` and refreshes the registry. */
  publish(connectors: ManifestInput['connectors']): Promise<void>;
  close(): Promise<void>;
}

/** Real `createRemoteToolProxy` with single attempts and no background probe, so policies are observable. */
export function plainProxy(c: ServiceMapConnector): ReturnType<typeof createRemoteToolProxy> {
  return createRemoteToolProxy(c, {
    logger: createSilentLogger('test'),
    retries: { attempts: 1 },
    probeIntervalMs: 0,
    downDebounceMs: 0,
    timeoutMs: 5_000,
  });
}

export async function startStack(connectors: ManifestInput['connectors']): Promise<Stack> {
  const server = await startMapServer();
  const signer = await hsSigner();
  let version = 0;
  const serve = async (list: ManifestInput['connectors']): Promise<void> => {
    version += 1;
    server.serve(await signedMap({ connectors: list, version, now: Date.now(), signer }));
  };
  await serve(connectors);
  const registry = createConnectorsRegistry({
    url: server.url,
    apiKey: API_KEY,
    keys: [{ alg: 'HS256', secret: SECRET_A }],
    logger: createSilentLogger('test'),
    proxyFactory: plainProxy,
  });
  await registry.ready();
  return {
    server,
    registry,
    publish: async (list) => {
      await serve(list);
      await registry.refresh();
    },
    close: async () => {
      await registry.close();
      await server.close();
    },
  };
}

/** Text of the last tool output the runner fed back to the model in `call`. */
export function lastToolOutput(call: RecordedModelCall): string {
  const input = call.request.input;
  const items = typeof input === 'string' ? [] : [...input].reverse();
  const hit = items.find((i) => (i as { type?: string }).type === 'function_call_result') as
    { output?: unknown } | undefined;
  const out = hit?.output;
  if (typeof out === 'string') return out;
  if (out && typeof out === 'object' && 'text' in out) return String(out.text);
  return JSON.stringify(out);
}
