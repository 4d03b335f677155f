import { startEverythingServer, type EverythingServer } from '@cortex-os/mcp-bridge/testing';
import { Runner } from '@openai/agents';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '@cortex-os/agents/testing';
import { createProviderAgent, startRun } from '../../src/index.js';
import { connector } from '../helpers.js';
import { tempStore, type TempStore } from '../runtime/helpers.js';
import { startStack, type Stack } from '../stack.js';
import { connectTo } from './helpers.js';

let everything: EverythingServer;
let stack: Stack;
let server: ModelServer | undefined;
let runs: TempStore;

beforeAll(async () => {
  everything = await startEverythingServer();
  stack = await startStack([connector('everything', everything.url)]);
  runs = await tempStore();
});
afterAll(async () => {
  await stack.close();
  await everything.stop();
  await runs.remove();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ECHO = { toolCalls: [{ name: 'everything__echo', arguments: { message: 'hi from brAInwav' } }] };

describe.each<[string, boolean]>([
  ['responses', false],
  ['responses', true],
  ['chat_completions', false],
  ['chat_completions', true],
])(
  'full loop, %s API (stream=%s): model tool call → proxy → server-everything → result → final answer',
  (api, stream) => {
    it('answers with what the connector returned', async () => {
      server = await startModelServer({
        steps: [ECHO, { text: 'The connector said: Echo: hi from brAInwav' }],
      });
      const c = await connectTo(server.baseURL, { CORTEX_AGENT_API: api });
      const before = server.requests.length;
      const { agent, mode, tools } = await createProviderAgent({
        registry: stack.registry,
        connected: c,
        instructions: 'Use the connectors.',
        allowedSurfaces: ['everything'],
      });
      expect(mode).toBe('function_tools');
      expect(tools).toContain('everything__echo');
      const runner = new Runner({ modelSettings: c.modelSettings, tracingDisabled: true });
      const result = stream
        ? await runner.run(agent, 'Say hi through the demo connector.', { stream: true })
        : await runner.run(agent, 'Say hi through the demo connector.');
      if ('completed' in result) await result.completed;
      expect(result.finalOutput).toBe('The connector said: Echo: hi from brAInwav');
      const calls = server.requests.slice(before);
      expect(calls.map((r) => [r.api, r.stream])).toEqual([
        [api === 'responses' ? 'responses' : 'chat', stream],
        [api === 'responses' ? 'responses' : 'chat', stream],
      ]);
      const sentTools = JSON.stringify(calls[0]?.body.tools);
      expect(sentTools).toContain('everything__echo');
      expect(JSON.stringify(calls[1]?.body)).toContain('Echo: hi from brAInwav'); // the result was submitted
    });
  },
);

describe('provider agent modes', () => {
  it("startRun (the runtime) over the SDK model class: completed with the run's token usage", async () => {
    server = await startModelServer({ steps: [ECHO, { text: 'done', inputTokens: 7, outputTokens: 3 }] });
    const c = await connectTo(server.baseURL);
    const { agent } = await createProviderAgent({
      registry: stack.registry,
      connected: c,
      instructions: 'Use the connectors.',
    });
    const outcome = await startRun(agent, 'echo please', {
      store: runs.store,
      runConfig: { modelSettings: c.modelSettings, tracingDisabled: true },
    });
    expect(outcome).toMatchObject({
      status: 'completed',
      finalOutput: 'done',
      usage: { toolCalls: 1, tokens: 25 },
    });
  });

  it('read-only when the model cannot call tools: no tools sent, instructions say so', async () => {
    server = await startModelServer({ toolCalls: 'ignore', defaultText: 'I cannot reach connectors.' });
    const c = await connectTo(server.baseURL);
    const { agent, mode, tools } = await createProviderAgent({
      registry: stack.registry,
      connected: c,
      instructions: 'Use the connectors.',
    });
    expect([mode, tools]).toEqual(['read_only', []]);
    const before = server.requests.length;
    const result = await new Runner({ tracingDisabled: true }).run(agent, 'echo please');
    expect(result.finalOutput).toBe('I cannot reach connectors.');
    const sent = server.requests[before]!.body;
    expect(sent.tools ?? []).toEqual([]);
    expect(JSON.stringify(sent)).toContain('You cannot call any tool');
  });

  it('hosted MCP: the gateway /mcp is handed to the model as the SDK hosted MCP tool, tools from the verified map', async () => {
    server = await startModelServer({ defaultText: 'hosted answer' });
    const c = await connectTo(server.baseURL);
    const hosted = { url: 'https://gateway.example.com/mcp', requireApproval: ['everything__echo'] as const };
    const connected = {
      ...c,
      config: { ...c.config, hostedMcp: { ...hosted, requireApproval: [...hosted.requireApproval] } },
    };
    const { agent, mode, tools } = await createProviderAgent({
      registry: stack.registry,
      connected,
      instructions: 'Use the gateway.',
      allowedSurfaces: ['everything'],
    });
    expect(mode).toBe('hosted_mcp');
    const before = server.requests.length;
    const result = await new Runner({ tracingDisabled: true }).run(agent, 'hello');
    expect(result.finalOutput).toBe('hosted answer');
    const sent = server.requests[before]!;
    expect(sent.api).toBe('responses');
    expect(sent.body.tools).toEqual([
      expect.objectContaining({
        type: 'mcp',
        server_label: 'cortex',
        server_url: 'https://gateway.example.com/mcp',
        allowed_tools: { tool_names: tools },
        require_approval: { always: { tool_names: ['everything__echo'] } },
      }),
    ]);
    const chat = await connectTo(server.baseURL, { FORCE_CHAT_COMPLETIONS: 'true' });
    await expect(
      createProviderAgent({
        registry: stack.registry,
        connected: { ...chat, config: { ...chat.config, hostedMcp: { url: hosted.url } } },
        instructions: 'x',
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('Responses API') });
  });
});
