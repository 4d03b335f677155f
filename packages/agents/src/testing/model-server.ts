import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  chatChunks,
  chatCompletion,
  responseEvents,
  responseObject,
  type ScriptedToolCall,
  type WireAnswer,
} from './model-wire.js';

export type { ScriptedToolCall } from './model-wire.js';

/**
 * One scripted answer of the fake model server: a model answer (text and/or tool calls, with token usage),
 * an HTTP error (`status`, optional `Retry-After` header value), or a malformed 200 body.
 */
export type ModelStep =
  | {
      readonly text?: string;
      readonly toolCalls?: readonly ScriptedToolCall[];
      /** Token usage reported (default 10 input, 5 output). */
      readonly inputTokens?: number;
      readonly outputTokens?: number;
    }
  | { readonly status: number; readonly retryAfter?: string; readonly message?: string }
  | { readonly malformed: string; readonly contentType?: string };

/** The API a request reached. */
export type ModelApi = 'chat' | 'responses' | 'models';

/** A request the fake server received (the `authorization` header kept for assertions). */
export interface ModelServerRequest {
  readonly api: ModelApi;
  readonly stream: boolean;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
}

/** Options of {@link startModelServer}: what the emulated server supports, and its script. */
export interface ModelServerOptions {
  /** Answers in order, one per model request (requests forcing a tool call are answered without a step). */
  readonly steps?: readonly ModelStep[];
  /** Called first for every model request; `undefined` falls back to the steps. */
  readonly respond?: (request: ModelServerRequest) => ModelStep | undefined;
  /** Serve `POST /v1/responses` (default true; false: 404 as LM Studio before 0.3.x or vLLM builds without it). */
  readonly responses?: boolean;
  /** Serve `POST /v1/chat/completions` (default true). */
  readonly chatCompletions?: boolean;
  /** Tool calls: `yes` (default), `ignore` (tools dropped, answers are text) or `reject` (400 when tools are sent). */
  readonly toolCalls?: 'yes' | 'ignore' | 'reject';
  /** Serve `stream: true` as server-sent events (default true; false: 400). */
  readonly streaming?: boolean;
  /** Model id listed and echoed (default `fake-model`). */
  readonly model?: string;
  /** When set, every request needs `Authorization: Bearer <apiKey>` (else 401). */
  readonly apiKey?: string;
  /** Text answered once the steps are used up (default `ok`). */
  readonly defaultText?: string;
}

/** A running fake server. */
export interface ModelServer {
  /** Base URL with `/v1` (what `OPENAI_BASE_URL` takes). */
  readonly baseURL: string;
  /** Every request received, in order. */
  readonly requests: readonly ModelServerRequest[];
  /** Appends steps to the script. */
  push(...steps: ModelStep[]): void;
  close(): Promise<void>;
}

interface Ctx {
  readonly o: ModelServerOptions;
  readonly queue: ModelStep[];
  readonly requests: ModelServerRequest[];
  seq: number;
}

/**
 * Starts a local OpenAI-compatible HTTP server on 127.0.0.1 (port 0) speaking the real Chat Completions and
 * Responses wire formats, streaming (SSE) and not, scripted with {@link ModelStep}s: the closest to LM Studio,
 * Ollama or vLLM that runs in a test. A request whose `tool_choice` forces a tool (`required` or a named
 * function) is answered with a call of that tool (arguments `{}`), as a real model obeys it (with
 * `toolCalls: 'ignore'`, with text), without using a step: the capability probe needs no script.
 */
export async function startModelServer(o: ModelServerOptions = {}): Promise<ModelServer> {
  const ctx: Ctx = { o, queue: [...(o.steps ?? [])], requests: [], seq: 0 };
  const server = createServer((req, res) => {
    void handle(ctx, req, res).catch((err: unknown) => sendError(res, 500, String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests: ctx.requests,
    push: (...steps) => void ctx.queue.push(...steps),
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function apiOf(method: string | undefined, path: string): ModelApi | undefined {
  if (method === 'GET' && path.endsWith('/models')) return 'models';
  if (method !== 'POST') return undefined;
  if (path.endsWith('/chat/completions')) return 'chat';
  return path.endsWith('/responses') ? 'responses' : undefined;
}

async function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const api = apiOf(req.method, (req.url ?? '').split('?')[0] ?? '');
  const body = api === 'models' ? {} : await readJson(req);
  const request: ModelServerRequest = {
    api: api ?? 'models',
    stream: body.stream === true,
    body,
    authorization: req.headers.authorization,
  };
  if (api) ctx.requests.push(request);
  if (ctx.o.apiKey !== undefined && req.headers.authorization !== `Bearer ${ctx.o.apiKey}`)
    return sendError(res, 401, 'Incorrect API key provided');
  const refusal = refusalOf(ctx.o, api, request);
  if (refusal) return sendError(res, refusal.status, refusal.message);
  if (api === 'models') return sendJson(res, 200, modelList(ctx.o));
  answer(ctx, request, res, nextStep(ctx, request));
}

function refusalOf(
  o: ModelServerOptions,
  api: ModelApi | undefined,
  r: ModelServerRequest,
): { status: number; message: string } | undefined {
  if (
    !api ||
    (api === 'responses' && o.responses === false) ||
    (api === 'chat' && o.chatCompletions === false)
  )
    return { status: 404, message: 'Not Found' };
  if (api === 'models') return undefined;
  if (r.stream && o.streaming === false) return { status: 400, message: 'streaming is not supported' };
  if (hasTools(r) && o.toolCalls === 'reject')
    return { status: 400, message: 'this model does not support tools' };
  return undefined;
}

function modelList(o: ModelServerOptions): unknown {
  return {
    object: 'list',
    data: [{ id: o.model ?? 'fake-model', object: 'model', created: 0, owned_by: 'brAInwav' }],
  };
}

const hasTools = (r: ModelServerRequest): boolean => Array.isArray(r.body.tools) && r.body.tools.length > 0;

function forcedTool(r: ModelServerRequest): string | undefined {
  const choice = r.body.tool_choice as string | { name?: string; function?: { name?: string } } | undefined;
  if (!hasTools(r) || choice === undefined || choice === 'auto' || choice === 'none') return undefined;
  if (typeof choice === 'object') return choice.name ?? choice.function?.name;
  const first = (r.body.tools as { name?: string; function?: { name?: string } }[])[0];
  return first?.name ?? first?.function?.name;
}

function nextStep(ctx: Ctx, r: ModelServerRequest): ModelStep {
  const scripted = ctx.o.respond?.(r);
  if (scripted) return scripted;
  const forced = forcedTool(r);
  if (forced && ctx.o.toolCalls === 'ignore') return { text: 'I cannot call tools.' };
  if (forced) return { toolCalls: [{ name: forced, arguments: {} }] };
  return ctx.queue.shift() ?? { text: ctx.o.defaultText ?? 'ok' };
}

function answer(ctx: Ctx, r: ModelServerRequest, res: ServerResponse, step: ModelStep): void {
  if ('status' in step)
    return sendError(res, step.status, step.message ?? `scripted ${step.status}`, step.retryAfter);
  if ('malformed' in step) {
    res.writeHead(200, { 'content-type': step.contentType ?? 'application/json' });
    return void res.end(step.malformed);
  }
  ctx.seq += 1;
  const wire = wireAnswer(ctx, step);
  if (r.api === 'chat' && r.stream) return sendSse(res, chatChunks(wire, includeUsage(r)), false);
  if (r.api === 'chat') return sendJson(res, 200, chatCompletion(wire));
  if (r.stream) return sendSse(res, responseEvents(wire), true);
  sendJson(res, 200, responseObject(wire));
}

function includeUsage(r: ModelServerRequest): boolean {
  return (r.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
}

function wireAnswer(
  ctx: Ctx,
  step: Exclude<ModelStep, { status: number } | { malformed: string }>,
): WireAnswer {
  const calls = ctx.o.toolCalls === 'ignore' ? [] : (step.toolCalls ?? []);
  const text =
    ctx.o.toolCalls === 'ignore' && !step.text && step.toolCalls ? 'I cannot call tools.' : step.text;
  return {
    ...(text !== undefined ? { text } : {}),
    toolCalls: calls.map((c, i) => ({ ...c, id: c.id ?? `call_${ctx.seq}_${i}` })),
    model: ctx.o.model ?? 'fake-model',
    seq: ctx.seq,
    inputTokens: step.inputTokens ?? 10,
    outputTokens: step.outputTokens ?? 5,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, retryAfter?: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}),
  });
  res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: null, param: null } }));
}

function sendSse(res: ServerResponse, events: unknown[], named: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) {
    const name = named ? `event: ${(e as { type: string }).type}\n` : '';
    res.write(`${name}data: ${JSON.stringify(e)}\n\n`);
  }
  if (!named) res.write('data: [DONE]\n\n');
  res.end();
}
