import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { run } from '@openai/agents';
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from '@openai/agents/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentsConfigError,
  type RegistryAvailabilityEvent,
  createExecutionSurfaceAgent,
  failureText,
  type FallbackConfig,
} from '../src/index.js';
import { connector } from './helpers.js';
import { lastToolOutput, startStack, type Stack } from './stack.js';

let primary: FixtureServer;
let backup: FixtureServer;
let stack: Stack | undefined;

beforeAll(async () => {
  primary = await startFixtureServer({ name: 'primary', tools: ['echo'] });
  backup = await startFixtureServer({ name: 'backup', tools: ['echo'] });
});

afterAll(async () => {
  await primary.stop();
  await backup.stop();
});

afterEach(async () => {
  await stack?.close();
  stack = undefined;
  if (!backup.running) await backup.restart();
});

const both = (): ReturnType<typeof connector>[] => [
  connector('primary', primary.url),
  connector('backup', backup.url),
];

/** A model that calls `tool` once and then answers with the tool output it was given. */
function callThenAnswer(tool: string, args: Record<string, unknown>): ScriptedModel {
  return new ScriptedModel([
    [functionCall(tool, args, { callId: 'call-1' })],
    modelResponder((call) => [assistantMessage(`Answer: ${lastToolOutput(call)}`)]),
  ]);
}

async function agentWith(fallback: FallbackConfig, model: ScriptedModel, allowedSurfaces?: string[]) {
  stack ??= await startStack(both());
  return createExecutionSurfaceAgent({
    registry: stack.registry,
    instructions: 'Use the brAInwav connectors.',
    model,
    fallback,
    sleep: () => Promise.resolve(),
    ...(allowedSurfaces ? { allowedSurfaces } : {}),
  });
}

describe('ExecutionSurfaceAgent tools', () => {
  it('exposes the allowed connectors tools as <id>__<tool> with their JSON Schema (non-strict)', async () => {
    stack = await startStack([...both(), connector('off', primary.url, { enabled: false })]);
    const events: RegistryAvailabilityEvent[] = [];
    stack.registry.on('availability', (e) => events.push(e));
    const agent = await agentWith({}, new ScriptedModel(), ['primary', 'off']);
    expect(events.map((e) => [e.connectorId, e.up])).toEqual([['primary', true]]); // proxy went up on listTools
    expect(agent.allowedSurfaces).toEqual(['off', 'primary']);
    expect(agent.surfaceTools).toEqual([{ name: 'primary__echo', connectorId: 'primary', tool: 'echo' }]);
    const t = agent.tools[0] as {
      name: string;
      strict: boolean;
      parameters: { properties: Record<string, unknown>; required: string[] };
    };
    expect([t.name, t.strict, Object.keys(t.parameters.properties), t.parameters.required]).toEqual([
      'primary__echo',
      false,
      ['text'],
      ['text'],
    ]);
    const report = await agent.refreshTools();
    expect(report).toEqual({ listed: ['primary'], unavailable: ['off'], tools: ['primary__echo'] });
  });

  it('rejects an invalid fallback config at construction, naming the path', async () => {
    const err = await agentWith(
      { tools: { primary__echo: { policy: 'retry', attempts: 0 } } },
      new ScriptedModel(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentsConfigError);
    expect((err as AgentsConfigError).code).toBe('CONFIG_INVALID');
    expect((err as Error).message).toMatch(/^brAInwav: fallback\.tools\.primary__echo\.attempts /);
  });
});

describe('fallback policies through the real run loop', () => {
  it('fail: a disabled connector yields a branded error naming it as the tool output, never a crash', async () => {
    const model = callThenAnswer('backup__echo', { text: 'x' });
    const agent = await agentWith({}, model);
    await stack?.publish([
      connector('primary', primary.url),
      connector('backup', backup.url, { enabled: false }),
    ]);
    const before = backup.calls.length;
    const result = await run(agent, 'go');
    const expected = failureText(
      ['backup'],
      'echo',
      'UPSTREAM_UNAVAILABLE',
      'connector "backup" is disabled',
    );
    expect(result.finalOutput).toBe(`Answer: ${expected}`);
    expect(backup.calls.length).toBe(before);
  });

  it('alternate: a disabled or unreachable connector is served by another connector offering the same tool', async () => {
    const fallback: FallbackConfig = {
      connectors: { backup: { policy: 'alternate', connectors: ['primary'] } },
    };
    const agent = await agentWith(fallback, callThenAnswer('backup__echo', { text: 'via alternate' }));
    await backup.stop(); // unreachable
    const calls = primary.calls.length;
    expect((await run(agent, 'go')).finalOutput).toBe('Answer: via alternate');
    expect(primary.calls.slice(calls).map((c) => c.tool)).toEqual(['echo']);

    await stack?.publish([
      connector('primary', primary.url),
      connector('backup', backup.url, { enabled: false }),
    ]);
    agent.model = callThenAnswer('backup__echo', { text: 'disabled too' });
    expect((await run(agent, 'go')).finalOutput).toBe('Answer: disabled too');
  });

  it('retry: bounded attempts with exponential backoff, then success or a branded failure', async () => {
    const sleeps: number[] = [];
    stack = await startStack(both());
    const fallback: FallbackConfig = {
      connectors: { primary: { policy: 'retry', attempts: 3, backoffMs: 50 } },
    };
    const make = (model: ScriptedModel) =>
      createExecutionSurfaceAgent({
        registry: stack!.registry,
        instructions: 'x',
        model,
        fallback,
        sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
      });
    primary.failNext(2, { method: 'tools/call' });
    const ok = await run(await make(callThenAnswer('primary__echo', { text: 'third time' })), 'go');
    expect(ok.finalOutput).toBe('Answer: third time');
    expect(sleeps).toEqual([50, 100]);

    sleeps.length = 0;
    primary.failNext(3, { method: 'tools/call' });
    const failed = await run(await make(callThenAnswer('primary__echo', { text: 'never' })), 'go');
    expect(failed.finalOutput).toMatch(
      /^Answer: brAInwav: connector "primary" could not run tool "echo" \([A-Z_]+\): /,
    );
    expect(sleeps).toEqual([50, 100]);
  });

  it('approval: the run pauses; approve resumes into the upstream call', async () => {
    const agent = await agentWith(
      { tools: { primary__echo: { policy: 'approval' } } },
      callThenAnswer('primary__echo', { text: 'approved!' }),
    );
    const calls = primary.calls.length;
    const paused = await run(agent, 'go');
    expect(paused.interruptions.map((i) => i.name)).toEqual(['primary__echo']);
    expect(primary.calls.length).toBe(calls);
    paused.state.approve(paused.interruptions[0]!);
    const resumed = await run(agent, paused.state);
    expect(resumed.finalOutput).toBe('Answer: approved!');
    expect(primary.calls.length).toBe(calls + 1);
  });

  it('approval: reject resumes with the rejection and the upstream is never called', async () => {
    const agent = await agentWith(
      { connectors: { primary: { policy: 'approval' } } },
      callThenAnswer('primary__echo', { text: 'no' }),
    );
    const calls = primary.calls.length;
    const paused = await run(agent, 'go');
    paused.state.reject(paused.interruptions[0]!, { message: 'brAInwav: operator declined primary__echo' });
    const resumed = await run(agent, paused.state);
    expect(resumed.finalOutput).toBe('Answer: brAInwav: operator declined primary__echo');
    expect(primary.calls.length).toBe(calls);
  });

  it("approval when 'unavailable': no pause while the connector is up", async () => {
    const agent = await agentWith(
      { default: { policy: 'approval', when: 'unavailable' } },
      callThenAnswer('primary__echo', { text: 'direct' }),
    );
    const result = await run(agent, 'go');
    expect(result.interruptions).toEqual([]);
    expect(result.finalOutput).toBe('Answer: direct');
  });
});
