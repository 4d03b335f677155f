import OpenAI from 'openai';

/** The model API an agent uses. */
export type ModelApi = 'responses' | 'chat_completions';

/** What one API answered during the probe. */
export interface ApiProbe {
  /** The endpoint answers a plain request. */
  readonly supported: boolean;
  /** A forced tool call came back as a function call. */
  readonly toolCalls: boolean;
  /** Why not (HTTP status and message, or the client error's name): no secrets. */
  readonly error?: string;
}

/** The capability probe of one baseURL + model. */
export interface CapabilityProbe {
  readonly brand: 'brAInwav';
  readonly baseURL: string;
  readonly model: string;
  readonly responses: ApiProbe;
  readonly chatCompletions: ApiProbe;
  /** The picked API streams (server-sent events ending in a terminal event). */
  readonly streaming: boolean;
  /** The API picked (the probe's choice, or the forced one). */
  readonly api: ModelApi;
  /** The picked API can call tools: false means the agent runs read-only. */
  readonly toolCalls: boolean;
  /** The API was fixed by configuration (`FORCE_CHAT_COMPLETIONS`, `api`), not chosen by the probe. */
  readonly forced: boolean;
  /** When the probe ran (ISO-8601). */
  readonly probedAt: string;
  /** Wall time of the probe, ms. */
  readonly durationMs: number;
}

/** Name of the function tool the probe forces. */
export const PROBE_TOOL = 'brainwav_probe';
const PROMPT = `brAInwav capability probe: call the ${PROBE_TOOL} tool.`;
const PARAMS = { type: 'object', properties: {}, additionalProperties: false };
const RESPONSES_TOOL = { type: 'function' as const, name: PROBE_TOOL, parameters: PARAMS, strict: false };
const CHAT_TOOL = { type: 'function' as const, function: { name: PROBE_TOOL, parameters: PARAMS } };

/** Options of {@link probeCapabilities}. */
export interface ProbeOptions {
  /** Fix the API instead of choosing it (the other one is still probed for the report). */
  readonly api?: ModelApi;
  /** Clock, ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

function describe(err: unknown): string {
  if (err instanceof OpenAI.APIConnectionError) return err.constructor.name;
  if (err instanceof OpenAI.APIError) return `HTTP ${err.status ?? 'error'}: ${err.message}`.slice(0, 200);
  return err instanceof Error ? err.name : 'error';
}

async function attempt(fn: () => Promise<boolean>): Promise<ApiProbe> {
  try {
    return { supported: true, toolCalls: await fn() };
  } catch (err) {
    return { supported: false, toolCalls: false, error: describe(err) };
  }
}

/** Probes one API: a forced tool call first, a plain request when tools are refused. */
async function probeApi(forced: () => Promise<boolean>, plain: () => Promise<unknown>): Promise<ApiProbe> {
  const withTools = await attempt(forced);
  if (withTools.supported) return withTools;
  const bare = await attempt(async () => (await plain(), false));
  return bare.supported ? { ...bare, error: withTools.error ?? 'tool calls refused' } : withTools;
}

function responsesProbe(client: OpenAI, model: string): Promise<ApiProbe> {
  const base = { model, input: PROMPT, max_output_tokens: 32 };
  return probeApi(
    async () => {
      const r = await client.responses.create({
        ...base,
        tools: [RESPONSES_TOOL],
        tool_choice: 'required',
      });
      if (!Array.isArray(r.output)) throw new TypeError('MalformedResponse');
      return r.output.some((o) => o.type === 'function_call');
    },
    async () => {
      const r = await client.responses.create(base);
      if (!Array.isArray(r.output)) throw new TypeError('MalformedResponse');
    },
  );
}

function chatProbe(client: OpenAI, model: string): Promise<ApiProbe> {
  const base = { model, messages: [{ role: 'user' as const, content: PROMPT }], max_tokens: 32 };
  return probeApi(
    async () => {
      const r = await client.chat.completions.create({
        ...base,
        tools: [CHAT_TOOL],
        tool_choice: 'required',
      });
      const message = r.choices?.[0]?.message;
      if (!message) throw new TypeError('MalformedResponse');
      return (message.tool_calls ?? []).length > 0;
    },
    async () => {
      const r = await client.chat.completions.create(base);
      if (!r.choices?.[0]?.message) throw new TypeError('MalformedResponse');
    },
  );
}

async function streams(client: OpenAI, model: string, api: ModelApi, tools: boolean): Promise<boolean> {
  try {
    if (api === 'responses') {
      const s = await client.responses.create({
        model,
        input: PROMPT,
        max_output_tokens: 32,
        stream: true,
        ...(tools ? { tools: [RESPONSES_TOOL], tool_choice: 'required' as const } : {}),
      });
      for await (const e of s) if (e.type === 'response.completed') return true;
      return false;
    }
    const s = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: 32,
      stream: true,
      ...(tools ? { tools: [CHAT_TOOL], tool_choice: 'required' as const } : {}),
    });
    let chunks = 0;
    for await (const c of s) chunks += c.choices ? 1 : 0;
    return chunks > 0;
  } catch {
    return false;
  }
}

/** The API the probe picks: one that calls tools (Responses first), else one that answers at all. */
export function pickApi(responses: ApiProbe, chat: ApiProbe): ModelApi {
  if (responses.toolCalls) return 'responses';
  if (chat.toolCalls) return 'chat_completions';
  return responses.supported && !chat.supported ? 'responses' : 'chat_completions';
}

/**
 * Probes an OpenAI-compatible server with `client` (its own `maxRetries`; use 0 to probe once): Responses API,
 * Chat Completions, a forced tool call on each (`tool_choice: required` with the {@link PROBE_TOOL} function),
 * and streaming on the API picked. Picks Responses when it calls tools, else Chat Completions. At most 6
 * small requests (`max_output_tokens` 32).
 */
export async function probeCapabilities(
  client: OpenAI,
  model: string,
  options: ProbeOptions = {},
): Promise<CapabilityProbe> {
  const now = options.now ?? Date.now;
  const started = now();
  const [responses, chatCompletions] = await Promise.all([
    responsesProbe(client, model),
    chatProbe(client, model),
  ]);
  const api = options.api ?? pickApi(responses, chatCompletions);
  const picked = api === 'responses' ? responses : chatCompletions;
  const streaming = picked.supported ? await streams(client, model, api, picked.toolCalls) : false;
  return {
    brand: 'brAInwav',
    baseURL: client.baseURL,
    model,
    responses,
    chatCompletions,
    streaming,
    api,
    toolCalls: picked.toolCalls,
    forced: options.api !== undefined,
    probedAt: new Date(started).toISOString(),
    durationMs: now() - started,
  };
}
