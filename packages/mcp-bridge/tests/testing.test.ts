import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { LoggingMessageNotification, Tool } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_PNG_BASE64,
  startEverythingServer,
  startFixtureServer,
  startSseFixtureServer,
  type EverythingServer,
  type FixtureServer,
} from '../src/testing/index.js';

const clients: Client[] = [];

async function connect(
  url: string,
  init: { headers?: Record<string, string>; capabilities?: Record<string, unknown> } = {},
): Promise<Client> {
  const client = new Client(
    { name: 'fixture-test', version: '1.0.0' },
    { capabilities: init.capabilities ?? {} },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: init.headers ?? {} } }),
  );
  clients.push(client);
  return client;
}

function textOf(result: { content?: unknown }): string {
  const first = (result.content as { type: string; text?: string }[] | undefined)?.[0];
  return first?.text ?? '';
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

describe('startFixtureServer', () => {
  let fixture: FixtureServer;
  afterEach(async () => {
    await fixture.stop();
  });

  it('serves tools, resources, templates, prompts and completion over Streamable HTTP', async () => {
    fixture = await startFixtureServer();
    const client = await connect(fixture.url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'add',
      'crash',
      'echo',
      'elicitOnCall',
      'image',
      'increment',
      'log',
      'samplingOnCall',
      'slow',
      'structured',
    ]);
    expect(tools.find((t) => t.name === 'echo')?.annotations?.readOnlyHint).toBe(true);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'héllo' } }))).toBe('héllo');
    expect(textOf(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }))).toBe('5');
    const image = await client.callTool({ name: 'image', arguments: {} });
    expect(image.content).toEqual([{ type: 'image', data: FIXTURE_PNG_BASE64, mimeType: 'image/png' }]);
    const structured = await client.callTool({ name: 'structured', arguments: { city: 'Oslo' } });
    expect(structured.structuredContent).toEqual({ city: 'Oslo', temperature: 21.5 });
    const info = await client.readResource({ uri: 'fixture://info' });
    expect(info.contents[0]).toMatchObject({ uri: 'fixture://info', text: 'brAInwav fixture resource' });
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['fixture://items/{id}']);
    const item = await client.readResource({ uri: 'fixture://items/7' });
    expect(item.contents[0]).toMatchObject({ text: '{"id":"7"}' });
    const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'ada' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Hello ada' });
    const completion = await client.complete({
      ref: { type: 'ref/prompt', name: 'greet' },
      argument: { name: 'name', value: 'a' },
    });
    expect(completion.completion.values).toEqual(['alice']);
    expect(fixture.calls.map((c) => c.tool)).toEqual(['echo', 'add', 'image', 'structured']);
    expect(fixture.sessionCount).toBe(1);
  });

  it('requires the auth header when asked and records the headers every request carried', async () => {
    fixture = await startFixtureServer({ requireAuth: { header: 'X-Api-Key', value: 'k-123' } });
    await expect(connect(fixture.url)).rejects.toMatchObject({ status: 401 });
    const client = await connect(fixture.url, { headers: { 'X-Api-Key': 'k-123', 'X-Static': 'yes' } });
    await client.ping();
    const posts = fixture.requests.filter((r) => r.httpMethod === 'POST');
    expect(posts[0]?.headers['x-api-key']).toBeUndefined();
    expect(
      posts.slice(1).every((r) => r.headers['x-api-key'] === 'k-123' && r.headers['x-static'] === 'yes'),
    ).toBe(true);
    expect(posts.map((r) => r.rpcMethod)).toContain('ping');
    expect(fixture.headersSeen.length).toBe(fixture.requests.length);
  });

  it('changes its tool list and notifies tools/list_changed', async () => {
    fixture = await startFixtureServer({ tools: ['echo'] });
    const changed = new Promise<Tool[]>((resolve) => {
      void connect(fixture.url)
        .then((c) => c.listTools().then(() => c))
        .then((c) => {
          c.setNotificationHandler('notifications/tools/list_changed', async () => {
            resolve((await c.listTools()).tools);
          });
          return fixture.setTools(['echo', 'weather']);
        });
    });
    expect((await changed).map((t) => t.name)).toEqual(['echo', 'weather']);
    const client = clients[0]!;
    expect(textOf(await client.callTool({ name: 'weather', arguments: {} }))).toBe('weather called');
  });

  it('fails the next N requests, delays, drops sessions and restarts on the same port', async () => {
    fixture = await startFixtureServer();
    const client = await connect(fixture.url);
    fixture.failNext(1, { method: 'tools/call' });
    await expect(client.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toMatchObject({
      status: 503,
    });
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'y' } }))).toBe('y');
    fixture.setDelay(150);
    const started = Date.now();
    await client.ping();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    fixture.setDelay(0);
    await fixture.dropSessions();
    await expect(client.ping()).rejects.toMatchObject({ status: 404 });
    const port = fixture.port;
    await fixture.stop();
    expect(fixture.running).toBe(false);
    await fixture.restart();
    expect(fixture.port).toBe(port);
    const again = await connect(fixture.url);
    expect(textOf(await again.callTool({ name: 'echo', arguments: { text: 'back' } }))).toBe('back');
  });

  it('slow honours cancellation and reports progress; crash destroys the socket', async () => {
    fixture = await startFixtureServer();
    const client = await connect(fixture.url);
    const progress: number[] = [];
    const done = await client.callTool(
      { name: 'slow', arguments: { ms: 60, steps: 3 } },
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(textOf(done)).toBe('slept 60');
    expect(progress).toEqual([1, 2, 3]);
    const controller = new AbortController();
    const pending = client.callTool(
      { name: 'slow', arguments: { ms: 30_000 } },
      { signal: controller.signal },
    );
    await waitFor(() =>
      fixture.calls.some((c) => c.tool === 'slow' && (c.args as { ms: number }).ms === 30_000),
    );
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => fixture.cancelledCount === 1);
    expect(fixture.cancelledCount).toBe(1);
    await expect(client.callTool({ name: 'crash', arguments: {} }, { timeout: 10_000 })).rejects.toThrow();
    expect(fixture.calls.at(-1)?.tool).toBe('crash');
  });

  it('sends sampling, elicitation and logging requests to the client and returns its answers', async () => {
    fixture = await startFixtureServer();
    const client = await connect(fixture.url, { capabilities: { sampling: {}, elicitation: { form: {} } } });
    client.setRequestHandler('sampling/createMessage', (req) => ({
      model: 'test-model',
      role: 'assistant' as const,
      content: { type: 'text' as const, text: `sampled:${JSON.stringify(req.params.messages[0]?.content)}` },
    }));
    client.setRequestHandler('elicitation/create', () => ({
      action: 'accept' as const,
      content: { name: 'Ada' },
    }));
    const logs: LoggingMessageNotification['params'][] = [];
    client.setNotificationHandler('notifications/message', (n) => {
      logs.push(n.params);
    });
    const sampled = await client.callTool({ name: 'samplingOnCall', arguments: { prompt: 'hi' } });
    expect(textOf(sampled)).toBe('sampled:{"type":"text","text":"hi"}');
    const elicited = await client.callTool({ name: 'elicitOnCall', arguments: { message: 'name?' } });
    expect(JSON.parse(textOf(elicited))).toEqual({ action: 'accept', content: { name: 'Ada' } });
    await client.callTool({ name: 'log', arguments: { message: 'hello log', level: 'warning' } });
    expect(logs).toContainEqual({ level: 'warning', data: 'hello log', logger: 'fixture' });
  });

  it('notifies subscribed sessions of resource updates', async () => {
    fixture = await startFixtureServer();
    const client = await connect(fixture.url);
    const updated = new Promise<string>((resolve) => {
      client.setNotificationHandler('notifications/resources/updated', (n) => resolve(n.params.uri));
    });
    await client.subscribeResource({ uri: 'fixture://info' });
    expect(await fixture.notifyResourceUpdated('fixture://info')).toBe(1);
    expect(await updated).toBe('fixture://info');
  });
});

describe('startSseFixtureServer', () => {
  let fixture: FixtureServer;
  afterEach(async () => {
    await fixture.stop();
  });

  it('serves the fixture over the legacy HTTP+SSE transport, including list_changed and crash', async () => {
    fixture = await startSseFixtureServer({ tools: ['echo', 'crash'] });
    expect(fixture.url).toBe(`http://127.0.0.1:${fixture.port}/sse`);
    const client = new Client({ name: 'sse-test', version: '1.0.0' });
    clients.push(client);
    await client.connect(new SSEClientTransport(new URL(fixture.url)));
    expect(fixture.sessionCount).toBe(1);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'via sse' } }))).toBe('via sse');
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler('notifications/tools/list_changed', () => resolve()),
    );
    await fixture.setTools(['echo', 'crash', 'extra']);
    await changed;
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'crash', 'extra']);
    await expect(client.callTool({ name: 'crash', arguments: {} }, { timeout: 1_500 })).rejects.toThrow();
    expect(fixture.sessionCount).toBe(0);
    expect(fixture.requests.map((r) => `${r.httpMethod} ${r.rpcMethod ?? ''}`.trim())).toEqual([
      'GET',
      'POST initialize',
      'POST notifications/initialized',
      'POST tools/call',
      'POST tools/list',
      'POST tools/call',
    ]);
  });
});

describe('startEverythingServer', () => {
  let everything: EverythingServer;
  beforeAll(async () => {
    everything = await startEverythingServer();
  }, 60_000);
  afterAll(async () => {
    await everything.stop();
  });

  it('spawns server-everything in streamableHttp mode and echoes exactly', async () => {
    expect(everything.url).toBe(`http://127.0.0.1:${everything.port}/mcp`);
    const client = await connect(everything.url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    const result = await client.callTool({ name: 'echo', arguments: { message: 'brAInwav ✓' } });
    expect(textOf(result)).toBe('Echo: brAInwav ✓');
  });

  it('stop() kills the child by pid', async () => {
    const other = await startEverythingServer();
    expect(other.pid).toBeGreaterThan(0);
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met before deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}
