import {
  Client,
  StreamableHTTPClientTransport,
  type Notification,
  type Transport,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeHttpClientTransport } from '../src/index.js';
import { startEverythingServer, type EverythingServer } from '../src/testing/index.js';
import { startTcpCutter, type TcpCutter } from './tcp-cutter.js';
import { waitFor } from './helpers.js';

/**
 * Differential test of stream resumption: one scripted session through our NodeHttpClientTransport and
 * through the SDK's StreamableHTTPClientTransport against server-everything (streamableHttp, in-memory
 * event store), with forced drops of the GET stream and of a POST's SSE stream by a TCP proxy in between.
 * What each client sees (results and notifications, step by step, normalised) must be the same.
 */

let everything: EverythingServer;
beforeAll(async () => {
  everything = await startEverythingServer({ mode: 'streamableHttp' });
}, 60_000);
afterAll(async () => {
  await everything?.stop();
});

interface Step {
  readonly step: string;
  readonly result: unknown;
  readonly notifications: unknown[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const normalise = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value ?? null).replace(UUID, '<id>'));

/** Waits until no notification arrived for `quietMs` (at most `maxMs`). */
async function settle(seen: unknown[], quietMs = 400, maxMs = 8_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let count = -1;
  while (count !== seen.length && Date.now() < deadline) {
    count = seen.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

const isRequest = (method: string, fragment: string) => (request: string) =>
  request.startsWith(method) && request.includes(fragment);

/** The scripted session; returns what the client saw, step by step. */
async function script(transport: Transport, cutter: TcpCutter): Promise<Step[]> {
  const client = new Client({ name: 'resumption-differential', version: '1.0.0' });
  const seen: unknown[] = [];
  client.fallbackNotificationHandler = (n: Notification) => {
    seen.push(normalise({ method: n.method, params: n.params }));
    return Promise.resolve();
  };
  client.onerror = () => undefined; // replays re-send answered responses; both transports report them
  const steps: Step[] = [];
  const step = async (name: string, fn: () => Promise<unknown>, before?: () => Promise<void>) => {
    const from = seen.length;
    await before?.();
    const result = normalise(await fn().catch((error: Error) => ({ rejected: error.message })));
    await settle(seen);
    steps.push({ step: name, result, notifications: seen.slice(from) });
  };
  try {
    await client.connect(transport);
    await step('tools/list', async () => (await client.listTools()).tools.map((t) => t.name).sort());
    await step('subscribe A (log on the GET stream)', () =>
      client.subscribeResource({ uri: 'demo://resource/dynamic/text/1' }),
    );
    // drop the standalone GET stream; what is sent meanwhile lives only in the upstream's event store
    await step(
      'subscribe B while the GET stream is down',
      async () => {
        const result = await client.subscribeResource({ uri: 'demo://resource/dynamic/text/2' });
        // the GET stream comes back after the reconnection delay (1 s) and replays what it missed
        await waitFor(() => JSON.stringify(seen).includes('text/2'), 8_000).catch(() => undefined);
        return result;
      },
      async () => {
        expect(cutter.cut(isRequest('GET', 'text/event-stream'))).toBe(1);
        await new Promise((r) => setTimeout(r, 300));
      },
    );
    const progress: unknown[] = [];
    await step('long-running call; its POST stream is cut after the first progress', async () => {
      const result = await client.callTool(
        { name: 'trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } },
        {
          timeout: 20_000,
          onprogress: (p) => {
            progress.push({ progress: p.progress, total: p.total });
            if (progress.length === 1) cutter.cut(isRequest('POST', 'trigger-long-running-operation'));
          },
        },
      );
      return { result, progress };
    });
    await step('echo after the drops', () =>
      client.callTool({ name: 'echo', arguments: { message: 'after' } }, { timeout: 10_000 }),
    );
  } finally {
    await client.close();
  }
  return steps;
}

describe('stream resumption: NodeHttpClientTransport and the SDK transport see the same session', () => {
  it('restores a dropped GET stream and a dropped POST stream from the event store, like the SDK', async () => {
    const cutter = await startTcpCutter(everything.url);
    try {
      const sdk = await script(new StreamableHTTPClientTransport(new URL(cutter.url)), cutter);
      const ours = await script(new NodeHttpClientTransport(new URL(cutter.url)), cutter);
      expect(ours, JSON.stringify({ ours, sdk }, null, 1)).toEqual(sdk);
      // and what they agree on is the restored session, not a shared failure
      const byName = new Map(ours.map((s) => [s.step, s]));
      const downStep = JSON.stringify(byName.get('subscribe B while the GET stream is down'));
      expect(downStep).toContain(
        'Received Subscribe Resource request for URI: demo://resource/dynamic/text/2',
      );
      const long = byName.get('long-running call; its POST stream is cut after the first progress')!;
      expect(long.result).toMatchObject({
        result: {
          content: [{ type: 'text', text: expect.stringContaining('Long running operation completed') }],
        },
        progress: [
          { progress: 1, total: 3 },
          { progress: 2, total: 3 },
          { progress: 3, total: 3 },
        ],
      });
      expect(JSON.stringify(byName.get('echo after the drops')!.result)).toContain('Echo: after');
    } finally {
      await cutter.close();
    }
  }, 90_000);
});
