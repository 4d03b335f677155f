import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAIChatCompletionsModel, OpenAIResponsesModel } from '@openai/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer, type ModelServerOptions } from '@cortex-os/agents/testing';
import { clearProbeMemory, connectModel, providerConfigOf, READ_ONLY_WARNING } from '../../src/index.js';
import { captureLogger, connectTo } from './helpers.js';

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function probeOf(o: ModelServerOptions, env: NodeJS.ProcessEnv = {}) {
  server = await startModelServer(o);
  return connectTo(server.baseURL, env);
}

describe('capability probe against the fake OpenAI-compatible server', () => {
  it('full support: picks the Responses API with tool calls and streaming (OpenAIResponsesModel)', async () => {
    const c = await probeOf({});
    expect(c.probe).toMatchObject({
      api: 'responses',
      toolCalls: true,
      streaming: true,
      forced: false,
      responses: { supported: true, toolCalls: true },
      chatCompletions: { supported: true, toolCalls: true },
    });
    expect(c.model).toBeInstanceOf(OpenAIResponsesModel);
    expect(c.readOnly).toBe(false);
    const forcedCalls = server!.requests.filter((r) => r.body.tool_choice === 'required');
    expect(forcedCalls.map((r) => r.api).sort()).toEqual(['chat', 'responses', 'responses']);
  });

  it('no Responses API (LM Studio/Ollama style): Chat Completions with tools', async () => {
    const c = await probeOf({ responses: false });
    expect(c.probe.api).toBe('chat_completions');
    expect(c.probe.responses).toEqual({
      supported: false,
      toolCalls: false,
      error: 'HTTP 404: 404 Not Found',
    });
    expect(c.model).toBeInstanceOf(OpenAIChatCompletionsModel);
    expect(c.probe.toolCalls).toBe(true);
  });

  it('FORCE_CHAT_COMPLETIONS=true overrides the choice', async () => {
    const c = await probeOf({}, { FORCE_CHAT_COMPLETIONS: 'true' });
    expect([c.probe.api, c.probe.forced, c.probe.responses.toolCalls]).toEqual([
      'chat_completions',
      true,
      true,
    ]);
    expect(c.model).toBeInstanceOf(OpenAIChatCompletionsModel);
  });

  it('tools refused (400) or ignored: read-only, with the warning logged', async () => {
    const { logger, lines } = captureLogger();
    server = await startModelServer({ toolCalls: 'reject', responses: false });
    const c = await connectTo(server.baseURL, {}, { logger });
    expect([c.readOnly, c.probe.toolCalls, c.probe.chatCompletions.supported]).toEqual([true, false, true]);
    expect(c.probe.chatCompletions.error).toContain('HTTP 400');
    expect(lines.find((l) => l.msg === READ_ONLY_WARNING)).toMatchObject({ level: 40, model: 'fake-model' });
    await server.close();
    server = await startModelServer({ toolCalls: 'ignore' });
    const ignored = await connectTo(server.baseURL);
    expect([ignored.readOnly, ignored.probe.responses.supported, ignored.probe.api]).toEqual([
      true,
      true,
      'chat_completions',
    ]);
  });

  it('no streaming: reported false', async () => {
    const c = await probeOf({ streaming: false });
    expect([c.probe.api, c.probe.streaming]).toEqual(['responses', false]);
  });

  it('logs one agent.model_probe event and one audit line; a second connect uses the memory cache', async () => {
    const { logger, lines } = captureLogger();
    const audits: unknown[] = [];
    server = await startModelServer({});
    await connectTo(server.baseURL, {}, { logger, audit: (r) => audits.push(r) });
    const probes = lines.filter((l) => l.event === 'agent.model_probe');
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatchObject({ brand: 'brAInwav', cached: false, probe: { api: 'responses' } });
    expect(lines.filter((l) => l.audit !== undefined)).toHaveLength(1);
    expect(audits).toEqual([
      expect.objectContaining({ event: 'model_probe', detail: expect.objectContaining({ cached: false }) }),
    ]);
    const seen = server.requests.length;
    const config = providerConfigOf({ baseURL: server.baseURL, model: 'fake-model' }, {}, process.cwd());
    const again = await connectModel({ config, env: {} });
    expect([again.cached, server.requests.length]).toEqual([true, seen]);
  });

  it('the file cache survives the process memory (a new process reads it)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'brainwav-probe-'));
    try {
      server = await startModelServer({ responses: false });
      const env = { CORTEX_AGENT_PROBE_CACHE: join(dir, 'probe.json') };
      await connectTo(server.baseURL, env);
      const seen = server.requests.length;
      clearProbeMemory();
      const config = providerConfigOf({ baseURL: server.baseURL, model: 'fake-model' }, env, process.cwd());
      const again = await connectModel({ config, env });
      expect([again.cached, again.probe.api, server.requests.length]).toEqual([
        true,
        'chat_completions',
        seen,
      ]);
      const file = JSON.parse(await readFile(join(dir, 'probe.json'), 'utf8')) as { entries: object };
      expect(Object.keys(file.entries)).toEqual([`${server.baseURL}|fake-model`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a server answering neither API fails with a branded error', async () => {
    server = await startModelServer({ responses: false, chatCompletions: false });
    await expect(connectTo(server.baseURL)).rejects.toMatchObject({
      code: 'UPSTREAM_PROTOCOL_ERROR',
      message: expect.stringMatching(/^brAInwav: model "fake-model" at http.* answers neither .*HTTP 404/),
    });
    const url = server.baseURL;
    await server.close();
    server = undefined;
    await expect(connectTo(url)).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('APIConnectionError'),
    });
  });
});
