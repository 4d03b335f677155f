import {
  Agent,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  run,
  setTracingDisabled,
  tool,
} from '@openai/agents';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startModelServer, type ModelServer } from '@cortex-os/agents/testing';

setTracingDisabled(true);

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const add = tool({
  name: 'add',
  description: 'adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => String(a + b),
});

type Api = 'chat' | 'responses';

function modelFor(api: Api, baseURL: string) {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 });
  return api === 'chat'
    ? new OpenAIChatCompletionsModel(client, 'fake-model')
    : new OpenAIResponsesModel(client, 'fake-model');
}

describe.each<[Api, boolean]>([
  ['chat', false],
  ['chat', true],
  ['responses', false],
  ['responses', true],
])('fake model server: %s API, stream=%s, through the SDK model class', (api, stream) => {
  it('serves a scripted tool call, receives its result, then answers the final text', async () => {
    server = await startModelServer({
      steps: [{ toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] }, { text: 'The sum is 5.' }],
    });
    const agent = new Agent({
      name: 'calc',
      instructions: 'add',
      tools: [add],
      model: modelFor(api, server.baseURL),
    });
    const result = stream
      ? await run(agent, 'what is 2+3?', { stream: true })
      : await run(agent, 'what is 2+3?');
    if (stream) await (result as { completed: Promise<void> }).completed;
    expect(result.finalOutput).toBe('The sum is 5.');
    expect(server.requests.map((r) => [r.api, r.stream])).toEqual([
      [api, stream],
      [api, stream],
    ]);
    expect(JSON.stringify(server.requests[1]?.body)).toContain('"5"');
    expect(server.requests[0]?.authorization).toBe('Bearer sk-test');
    expect(result.state.usage.totalTokens).toBe(30);
  });
});

describe('fake model server refusals', () => {
  it('answers 429 with Retry-After, 404 for a disabled API and 400 for refused tools', async () => {
    server = await startModelServer({
      responses: false,
      toolCalls: 'reject',
      steps: [{ status: 429, retryAfter: '2' }],
    });
    const chat = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [] }),
    });
    expect([chat.status, chat.headers.get('retry-after')]).toEqual([429, '2']);
    const responses = await fetch(`${server.baseURL}/responses`, { method: 'POST', body: '{}' });
    expect(responses.status).toBe(404);
    const tools = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [], tools: [{ type: 'function', function: { name: 'x' } }] }),
    });
    expect(tools.status).toBe(400);
  });
});
