import { McpServer, ResourceTemplate, completable } from '@modelcontextprotocol/server';
import type { CallToolResult, RegisteredTool, ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** Names of the built-in fixture tools (any other name given to `setTools` becomes a generic tool). */
export const FIXTURE_TOOLS = [
  'echo',
  'add',
  'increment',
  'slow',
  'crash',
  'image',
  'structured',
  'log',
  'samplingOnCall',
  'elicitOnCall',
] as const;

/** A call the fixture executed: tool name and its arguments. */
export interface FixtureCall {
  readonly tool: string;
  readonly args: unknown;
  readonly sessionId: string | undefined;
}

/** State shared by every session of one fixture server (mutated by the test through the handle). */
export interface FixtureState {
  toolNames: string[];
  readonly calls: FixtureCall[];
  /** Number of `slow` calls whose abort signal fired (cancellation or timeout reached upstream). */
  cancelled: number;
  /** Counter of the non-idempotent `increment` tool. */
  counter: number;
  readonly subscriptions: Set<string>;
  /** Destroys the socket carrying the HTTP request of that session's JSON-RPC request id. */
  crash(sessionId: string | undefined, requestId: string | number): void;
}

/** 1×1 transparent PNG, base64. */
export const FIXTURE_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

function abortableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve(false);
      },
      { once: true },
    );
  });
}

async function runSlow(
  state: FixtureState,
  args: { ms: number; steps?: number | undefined },
  ctx: ServerContext,
): Promise<CallToolResult> {
  const steps = Math.max(1, args.steps ?? 1);
  const token = ctx.mcpReq._meta?.progressToken;
  for (let i = 1; i <= steps; i += 1) {
    if (!(await abortableDelay(args.ms / steps, ctx.mcpReq.signal))) {
      state.cancelled += 1;
      return { isError: true, content: [{ type: 'text', text: 'cancelled' }] };
    }
    if (token !== undefined) {
      await ctx.mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken: token, progress: i, total: steps },
      });
    }
  }
  return text(`slept ${args.ms}`);
}

type ToolFactory = (server: McpServer, state: FixtureState) => RegisteredTool;

const record = (state: FixtureState, tool: string, args: unknown, ctx: ServerContext): void => {
  state.calls.push({ tool, args, sessionId: ctx.sessionId });
};

const factories: Record<(typeof FIXTURE_TOOLS)[number], ToolFactory> = {
  echo: (s, st) =>
    s.registerTool(
      'echo',
      {
        description: 'Echoes its text',
        inputSchema: z.object({ text: z.string() }),
        annotations: { readOnlyHint: true },
      },
      (a, ctx) => {
        record(st, 'echo', a, ctx);
        return text(a.text);
      },
    ),
  add: (s, st) =>
    s.registerTool(
      'add',
      {
        description: 'Adds two numbers',
        inputSchema: z.object({ a: z.number(), b: z.number() }),
        annotations: { idempotentHint: true },
      },
      (a, ctx) => {
        record(st, 'add', a, ctx);
        return text(String(a.a + a.b));
      },
    ),
  increment: (s, st) =>
    s.registerTool(
      'increment',
      {
        description: 'Increments a counter (not idempotent)',
        annotations: { readOnlyHint: false, idempotentHint: false },
      },
      (ctx) => {
        record(st, 'increment', {}, ctx);
        st.counter += 1;
        return text(String(st.counter));
      },
    ),
  slow: (s, st) =>
    s.registerTool(
      'slow',
      {
        description: 'Waits ms milliseconds, honours cancellation, reports progress',
        inputSchema: z.object({ ms: z.number(), steps: z.number().int().optional() }),
        annotations: { readOnlyHint: true },
      },
      (a, ctx) => {
        record(st, 'slow', a, ctx);
        return runSlow(st, a, ctx);
      },
    ),
  crash: (s, st) =>
    s.registerTool('crash', { description: 'Destroys the HTTP socket mid-call' }, async (ctx) => {
      record(st, 'crash', {}, ctx);
      st.crash(ctx.sessionId, ctx.mcpReq.id);
      await abortableDelay(60_000, ctx.mcpReq.signal);
      return text('unreachable');
    }),
  image: (s, st) =>
    s.registerTool(
      'image',
      { description: 'Returns a 1x1 PNG', annotations: { readOnlyHint: true } },
      (ctx) => {
        record(st, 'image', {}, ctx);
        return { content: [{ type: 'image', data: FIXTURE_PNG_BASE64, mimeType: 'image/png' }] };
      },
    ),
  structured: (s, st) =>
    s.registerTool(
      'structured',
      {
        description: 'Returns structured content',
        inputSchema: z.object({ city: z.string().optional() }),
        outputSchema: z.object({ city: z.string(), temperature: z.number() }),
        annotations: { readOnlyHint: true },
      },
      (a, ctx) => {
        record(st, 'structured', a, ctx);
        const value = { city: a.city ?? 'Paris', temperature: 21.5 };
        return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
      },
    ),
  log: (s, st) =>
    s.registerTool(
      'log',
      {
        description: 'Sends a logging notification',
        inputSchema: z.object({
          message: z.string(),
          level: z.enum(['debug', 'info', 'warning', 'error']).optional(),
        }),
      },
      async (a, ctx) => {
        record(st, 'log', a, ctx);
        await ctx.mcpReq.log(a.level ?? 'info', a.message, 'fixture');
        return text('logged');
      },
    ),
  samplingOnCall: (s, st) =>
    s.registerTool(
      'samplingOnCall',
      { description: 'Asks the client for an LLM sample', inputSchema: z.object({ prompt: z.string() }) },
      async (a, ctx) => {
        record(st, 'samplingOnCall', a, ctx);
        const reply = await ctx.mcpReq.requestSampling({
          messages: [{ role: 'user', content: { type: 'text', text: a.prompt } }],
          maxTokens: 64,
        });
        const content = Array.isArray(reply.content) ? reply.content[0] : reply.content;
        return text(content?.type === 'text' ? content.text : JSON.stringify(reply.content));
      },
    ),
  elicitOnCall: (s, st) =>
    s.registerTool(
      'elicitOnCall',
      { description: 'Asks the client for user input', inputSchema: z.object({ message: z.string() }) },
      async (a, ctx) => {
        record(st, 'elicitOnCall', a, ctx);
        const answer = await ctx.mcpReq.elicitInput({
          mode: 'form',
          message: a.message,
          requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        });
        return text(JSON.stringify(answer));
      },
    ),
};

function isBuiltin(name: string): name is (typeof FIXTURE_TOOLS)[number] {
  return (FIXTURE_TOOLS as readonly string[]).includes(name);
}

/** Registers one tool by name: a built-in, or a generic tool answering `<name> called`. */
export function registerFixtureTool(server: McpServer, state: FixtureState, name: string): RegisteredTool {
  if (isBuiltin(name)) return factories[name](server, state);
  return server.registerTool(
    name,
    { description: `Generic fixture tool ${name}`, annotations: { readOnlyHint: true } },
    (ctx) => {
      record(state, name, {}, ctx);
      return text(`${name} called`);
    },
  );
}

function registerResources(server: McpServer, state: FixtureState): void {
  server.registerResource(
    'info',
    'fixture://info',
    { mimeType: 'text/plain', description: 'Static fixture resource' },
    (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'brAInwav fixture resource' }],
    }),
  );
  const template = new ResourceTemplate('fixture://items/{id}', {
    list: undefined,
    complete: { id: (value) => ['1', '2', '3'].filter((id) => id.startsWith(value)) },
  });
  server.registerResource(
    'item',
    template,
    { mimeType: 'application/json', description: 'Fixture item by id' },
    (uri, vars) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id: vars.id }) }],
    }),
  );
  server.server.setRequestHandler('resources/subscribe', (req, ctx) => {
    state.subscriptions.add(`${ctx.sessionId ?? ''} ${req.params.uri}`);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', (req, ctx) => {
    state.subscriptions.delete(`${ctx.sessionId ?? ''} ${req.params.uri}`);
    return {};
  });
}

function registerPrompts(server: McpServer): void {
  const name = completable(z.string().describe('Who to greet'), (value) =>
    ['alice', 'bob'].filter((n) => n.startsWith(value)),
  );
  server.registerPrompt(
    'greet',
    { description: 'Greets someone', argsSchema: z.object({ name }) },
    (args) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Hello ${args.name}` } }],
    }),
  );
}

/** One session's McpServer with its registered tools by name. */
export interface FixtureSessionServer {
  readonly server: McpServer;
  readonly tools: Map<string, RegisteredTool>;
}

/** Builds the McpServer of one session: current tools, resources (+template, subscribe), prompt, logging. */
export function buildFixtureMcpServer(state: FixtureState, name: string): FixtureSessionServer {
  const server = new McpServer(
    { name, version: '1.0.0' },
    {
      capabilities: {
        logging: {},
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
      },
    },
  );
  const tools = new Map<string, RegisteredTool>();
  for (const tool of state.toolNames) tools.set(tool, registerFixtureTool(server, state, tool));
  registerResources(server, state);
  registerPrompts(server);
  return { server, tools };
}

/** Applies a new tool list to one session: removes missing tools, registers new ones, notifies list_changed. */
export async function applyToolNames(session: FixtureSessionServer, state: FixtureState): Promise<void> {
  for (const [name, tool] of session.tools) {
    if (!state.toolNames.includes(name)) {
      tool.remove();
      session.tools.delete(name);
    }
  }
  for (const name of state.toolNames) {
    if (!session.tools.has(name)) session.tools.set(name, registerFixtureTool(session.server, state, name));
  }
  if (session.server.isConnected()) await session.server.server.sendToolListChanged();
}
