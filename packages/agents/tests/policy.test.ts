import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { compilePolicy, openPolicyStore, parsePolicy, type Principal } from '@cortex-os/policy';
import { run } from '@openai/agents';
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from '@openai/agents/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentsConfigError,
  createExecutionSurfaceAgent,
  failureText,
  followPolicyStore,
  policyDeniedText,
  type ExecutionSurfaceAgentOptions,
} from '../src/index.js';
import { connector } from './helpers.js';
import { lastToolOutput, startStack, type Stack } from './stack.js';

const RULES = `version: 1
rules:
  - id: support-desk
    effect: allow
    roles: [support]
    connectors: [desk]
    tools: [echo, add]
  - id: no-secrets
    effect: deny
    phase: call
    connectors: [desk]
    tools: [echo]
    when: has(args.text) && args.text.contains("secret")
  - id: no-deletes
    effect: deny
    tools: ["delete_*"]
  - id: admins-everything
    effect: allow
    roles: [admin]
`;

const SUPPORT: Principal = { subject: 'agent:support-bot', roles: ['support'], scopes: [], claims: {} };
const ADMIN: Principal = { subject: 'agent:ops', roles: ['admin'], scopes: [], claims: {} };
/** An OAuth principal: it carries scopes, so the connectors' manifest scopes are required. */
const TOKEN_ADMIN: Principal = { subject: 'user:42', roles: ['admin'], scopes: ['tools:read'], claims: {} };

let desk: FixtureServer;
let search: FixtureServer;
let stack: Stack | undefined;
let dir: string | undefined;

beforeAll(async () => {
  desk = await startFixtureServer({ name: 'desk', tools: ['echo', 'add', 'delete_ticket'] });
  search = await startFixtureServer({ name: 'search', tools: ['echo'] });
});

afterAll(async () => {
  await desk.stop();
  await search.stop();
});

afterEach(async () => {
  await stack?.close();
  stack = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const mapConnectors = (deskExtra: Record<string, unknown> = {}) => [
  connector('desk', desk.url, deskExtra),
  connector('search', search.url, { scopes: ['search:read'] }),
];

type AgentExtras = Partial<Omit<ExecutionSurfaceAgentOptions, 'registry' | 'instructions' | 'model'>>;

async function agentFor(model: ScriptedModel, extras: AgentExtras) {
  stack ??= await startStack(mapConnectors());
  return createExecutionSurfaceAgent({
    registry: stack.registry,
    instructions: 'Use the brAInwav connectors.',
    model,
    sleep: () => Promise.resolve(),
    ...extras,
  });
}

const policy = () => compilePolicy(parsePolicy(RULES, { source: 'test-policy.yaml' }));

/** A model that answers at once; its first recorded call shows the tools it was offered. */
const answerOnly = () => new ScriptedModel([[assistantMessage('done')]]);

/** A model that calls `tool` once, then answers with the tool output it was given. */
function callThenAnswer(tool: string, args: Record<string, unknown>): ScriptedModel {
  return new ScriptedModel([
    [functionCall(tool, args, { callId: 'call-1' })],
    modelResponder((call) => [assistantMessage(`Answer: ${lastToolOutput(call)}`)]),
  ]);
}

function offered(model: ScriptedModel, index = 0): string[] {
  const tools = model.calls[index]?.request.tools ?? [];
  return tools.map((t) => (t as { name: string }).name).sort();
}

describe('agents apply the policy locally: tool sets', () => {
  it('two principals are offered different tools, and the agent holds only those', async () => {
    const supportModel = answerOnly();
    const supportAgent = await agentFor(supportModel, { policy: policy(), principal: SUPPORT });
    const adminModel = answerOnly();
    const adminAgent = await agentFor(adminModel, { policy: policy(), principal: ADMIN });
    await run(supportAgent, 'hi');
    await run(adminAgent, 'hi');
    expect(offered(supportModel)).toEqual(['desk__add', 'desk__echo']);
    expect(offered(adminModel)).toEqual(['desk__add', 'desk__echo', 'search__echo']); // deny wins on delete_*
    // the agent's own list keeps the upstream order (echo, add, delete_ticket)
    expect(supportAgent.surfaceTools.map((s) => s.name)).toEqual(['desk__echo', 'desk__add']);
    expect(supportAgent.tools.map((t) => t.name)).toEqual(['desk__echo', 'desk__add']);
    expect(supportAgent.principal).toEqual(SUPPORT);
    expect(await supportAgent.refreshTools()).toEqual({
      listed: ['desk', 'search'],
      unavailable: [],
      tools: ['desk__echo', 'desk__add'],
    });
  });

  it('a principal carrying scopes (OAuth) needs every connector scope; an API-key principal does not', async () => {
    const model = answerOnly();
    const agent = await agentFor(model, { policy: policy(), principal: TOKEN_ADMIN });
    await run(agent, 'hi');
    // search requires search:read, which the token lacks; desk requires tools:read, which it holds
    expect(offered(model)).toEqual(['desk__add', 'desk__echo']);
    const keyModel = answerOnly();
    await run(
      await agentFor(keyModel, { policy: policy(), principal: { ...TOKEN_ADMIN, scopes: [] } }),
      'hi',
    );
    expect(offered(keyModel)).toEqual(['desk__add', 'desk__echo', 'search__echo']);
  });

  it('no policy: every discovered tool, and calls are not decided (unchanged behaviour)', async () => {
    const model = callThenAnswer('desk__echo', { text: 'a secret is fine here' });
    const agent = await agentFor(model, {});
    const before = desk.calls.length;
    const result = await run(agent, 'go');
    expect(offered(model)).toEqual(['desk__add', 'desk__delete_ticket', 'desk__echo', 'search__echo']);
    expect(result.finalOutput).toBe('Answer: a secret is fine here');
    expect(desk.calls.slice(before)).toEqual([
      expect.objectContaining({ tool: 'echo', args: { text: 'a secret is fine here' } }),
    ]);
    expect(agent.principal).toBeUndefined();
  });
});

describe('agents apply the policy locally: calls', () => {
  it('an allowed call runs through the real run loop and reaches the upstream', async () => {
    const model = callThenAnswer('desk__echo', { text: 'hello desk' });
    const agent = await agentFor(model, { policy: policy(), principal: SUPPORT });
    const before = desk.calls.length;
    expect((await run(agent, 'go')).finalOutput).toBe('Answer: hello desk');
    expect(desk.calls.slice(before).map((c) => [c.tool, c.args])).toEqual([['echo', { text: 'hello desk' }]]);
  });

  it('arguments the CEL condition denies get POLICY_DENIED (rule named, condition never) and no upstream call', async () => {
    const model = callThenAnswer('desk__echo', { text: 'the secret plan' });
    const agent = await agentFor(model, { policy: policy(), principal: SUPPORT });
    const before = desk.calls.length;
    const result = await run(agent, 'go');
    const denied = 'brAInwav: POLICY_DENIED: denied by rule "no-secrets" (rule no-secrets)';
    expect(result.finalOutput).toBe(`Answer: ${denied}`);
    expect(policyDeniedText({ reason: 'denied by rule "no-secrets"', ruleId: 'no-secrets' })).toBe(denied);
    expect(String(result.finalOutput)).not.toContain('contains');
    expect(desk.calls.length).toBe(before);
  });

  it('approval is never asked for a call the policy denies; an allowed one still pauses', async () => {
    const fallback = { tools: { desk__echo: { policy: 'approval' as const } } };
    const denied = await agentFor(callThenAnswer('desk__echo', { text: 'secret' }), {
      policy: policy(),
      principal: SUPPORT,
      fallback,
    });
    const result = await run(denied, 'go');
    expect(result.interruptions).toEqual([]);
    expect(result.finalOutput).toBe(
      'Answer: brAInwav: POLICY_DENIED: denied by rule "no-secrets" (rule no-secrets)',
    );
    const allowed = await agentFor(callThenAnswer('desk__echo', { text: 'ok' }), {
      policy: policy(),
      principal: SUPPORT,
      fallback,
    });
    expect((await run(allowed, 'go')).interruptions.map((i) => i.name)).toEqual(['desk__echo']);
  });

  it('alternate fallback skips a connector the policy denies to the principal', async () => {
    const fallback = { connectors: { desk: { policy: 'alternate' as const, connectors: ['search'] } } };
    const support = await agentFor(callThenAnswer('desk__echo', { text: 'via search?' }), {
      policy: policy(),
      principal: SUPPORT,
      fallback,
    });
    const admin = await agentFor(callThenAnswer('desk__echo', { text: 'via search' }), {
      policy: policy(),
      principal: ADMIN,
      fallback,
    });
    await stack?.publish(mapConnectors({ enabled: false }));
    const before = search.calls.length;
    const refused = failureText(['desk'], 'echo', 'UPSTREAM_UNAVAILABLE', 'connector "desk" is disabled');
    expect((await run(support, 'go')).finalOutput).toBe(`Answer: ${refused}`);
    expect(search.calls.length).toBe(before);
    expect((await run(admin, 'go')).finalOutput).toBe('Answer: via search');
    expect(search.calls.slice(before).map((c) => c.tool)).toEqual(['echo']);
  });
});

describe('agents apply the policy locally: hot-reloading store and config', () => {
  it('followPolicyStore re-filters on reload; each run decides on the policy in force', async () => {
    dir = await mkdtemp(join(tmpdir(), 'brainwav-agents-policy-'));
    const path = join(dir, 'policy.yaml');
    const only = (tools: string) =>
      `version: 1\nrules:\n  - id: support-desk\n    effect: allow\n    roles: [support]\n    connectors: [desk]\n    tools: [${tools}]\n`;
    await writeFile(path, only('echo'));
    const store = await openPolicyStore({ path, watch: false });
    try {
      const first = answerOnly();
      const agent = await agentFor(first, { policy: store, principal: SUPPORT });
      const stop = followPolicyStore(agent, store);
      await run(agent, 'hi');
      expect(offered(first)).toEqual(['desk__echo']);

      await writeFile(path, only('echo, add'));
      expect((await store.reload()).state).toBe('ok');
      expect(agent.surfaceTools.map((s) => s.name)).toEqual(['desk__echo', 'desk__add']);
      const second = answerOnly();
      agent.model = second;
      await run(agent, 'hi');
      expect(offered(second)).toEqual(['desk__add', 'desk__echo']);

      stop(); // no more re-filtering: the agent keeps its tools, yet each run decides on the store in force
      const deny = `  - id: no-echo-calls\n    effect: deny\n    phase: call\n    tools: [echo]\n`;
      await writeFile(path, only('echo, add') + deny);
      await store.reload();
      const before = desk.calls.length;
      agent.model = callThenAnswer('desk__echo', { text: 'x' });
      expect((await run(agent, 'go')).finalOutput).toBe(
        'Answer: brAInwav: POLICY_DENIED: denied by rule "no-echo-calls" (rule no-echo-calls)',
      );
      expect(desk.calls.length).toBe(before);

      await writeFile(path, only('add'));
      await store.reload();
      expect(agent.surfaceTools.map((s) => s.name)).toEqual(['desk__echo', 'desk__add']);
      const model = callThenAnswer('desk__add', { a: 1, b: 2 });
      agent.model = model;
      expect((await run(agent, 'go')).finalOutput).toBe('Answer: 3');
      expect(offered(model)).toEqual(['desk__add']); // echo hidden at the model turn by the policy in force
      expect(agent.applyPolicy()).toEqual(['desk__add']);
      expect(agent.tools.map((t) => t.name)).toEqual(['desk__add']);
    } finally {
      store.close();
    }
  });

  it('policy requires a principal, a principal requires a policy, and a principal is checked', async () => {
    const errors = await Promise.all(
      [
        { policy: policy() },
        { principal: SUPPORT },
        { policy: policy(), principal: { ...SUPPORT, roles: 'support' } as unknown as Principal },
        { policy: {} as ReturnType<typeof policy>, principal: SUPPORT },
      ].map((extras) => agentFor(answerOnly(), extras).catch((e: unknown) => e)),
    );
    for (const err of errors) {
      expect(err).toBeInstanceOf(AgentsConfigError);
      expect((err as AgentsConfigError).code).toBe('CONFIG_INVALID');
    }
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'brAInwav: principal is required when policy is set',
      'brAInwav: principal is set without policy: pass policy (e.g. unrestrictedPolicy())',
      'brAInwav: principal.roles must be an array of strings',
      'brAInwav: policy must be a PolicyDecider (decide and mayList)',
    ]);
  });
});
