/** Wire bodies of the fake model server: OpenAI Chat Completions and Responses, streaming and not. */

/** One scripted function call of a model answer. */
export interface ScriptedToolCall {
  readonly name: string;
  /** Arguments object (serialized to JSON) or a raw arguments string. */
  readonly arguments?: unknown;
  /** Call id (default `call_<n>`). */
  readonly id?: string;
}

/** A successful answer: text and/or tool calls, with its token usage. */
export interface WireAnswer {
  readonly text?: string;
  readonly toolCalls: readonly (ScriptedToolCall & { readonly id: string })[];
  readonly model: string;
  readonly seq: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

const argsOf = (c: ScriptedToolCall): string =>
  typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {});

const created = (): number => Math.floor(Date.now() / 1000);

/** Non-streaming `chat.completion` body. */
export function chatCompletion(a: WireAnswer): unknown {
  const toolCalls = a.toolCalls.map((c) => ({
    id: c.id,
    type: 'function',
    function: { name: c.name, arguments: argsOf(c) },
  }));
  return {
    id: `chatcmpl-${a.seq}`,
    object: 'chat.completion',
    created: created(),
    model: a.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: a.text ?? null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage: chatUsage(a),
  };
}

function chatUsage(a: WireAnswer): unknown {
  return {
    prompt_tokens: a.inputTokens,
    completion_tokens: a.outputTokens,
    total_tokens: a.inputTokens + a.outputTokens,
  };
}

/** `chat.completion.chunk` bodies of a streamed answer (text in two deltas, then tool calls, then usage). */
export function chatChunks(a: WireAnswer, includeUsage: boolean): unknown[] {
  const base = {
    id: `chatcmpl-${a.seq}`,
    object: 'chat.completion.chunk',
    created: created(),
    model: a.model,
  };
  const chunk = (delta: unknown, finish: string | null = null): unknown => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const out: unknown[] = [chunk({ role: 'assistant', content: '' })];
  for (const part of splitText(a.text)) out.push(chunk({ content: part }));
  a.toolCalls.forEach((c, index) => {
    out.push(
      chunk({
        tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }],
      }),
    );
    out.push(chunk({ tool_calls: [{ index, function: { arguments: argsOf(c) } }] }));
  });
  out.push(chunk({}, a.toolCalls.length > 0 ? 'tool_calls' : 'stop'));
  if (includeUsage) out.push({ ...base, choices: [], usage: chatUsage(a) });
  return out;
}

function splitText(text: string | undefined): string[] {
  if (!text) return [];
  const mid = Math.ceil(text.length / 2);
  return mid < text.length ? [text.slice(0, mid), text.slice(mid)] : [text];
}

function responseItems(a: WireAnswer): unknown[] {
  const items: unknown[] = [];
  if (a.text !== undefined)
    items.push({
      type: 'message',
      id: `msg_${a.seq}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: a.text, annotations: [] }],
    });
  for (const c of a.toolCalls)
    items.push({
      type: 'function_call',
      id: `fc_${c.id}`,
      call_id: c.id,
      name: c.name,
      arguments: argsOf(c),
      status: 'completed',
    });
  return items;
}

/** A `response` object (status `completed`, or `in_progress` without output for `response.created`). */
export function responseObject(a: WireAnswer, done = true): Record<string, unknown> {
  return {
    id: `resp_${a.seq}`,
    object: 'response',
    created_at: created(),
    status: done ? 'completed' : 'in_progress',
    model: a.model,
    output: done ? responseItems(a) : [],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    error: null,
    incomplete_details: null,
    usage: done
      ? {
          input_tokens: a.inputTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: a.outputTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: a.inputTokens + a.outputTokens,
        }
      : null,
  };
}

/** Server-sent events of a streamed Responses answer (`type` of each is its SSE `event:` name). */
export function responseEvents(a: WireAnswer): { type: string }[] {
  const events: { type: string; [k: string]: unknown }[] = [
    { type: 'response.created', response: responseObject(a, false) },
  ];
  responseItems(a).forEach((item, outputIndex) => {
    events.push({ type: 'response.output_item.added', output_index: outputIndex, item: inProgress(item) });
    const it = item as { type: string; id: string };
    if (it.type === 'message')
      for (const delta of splitText(a.text))
        events.push({
          type: 'response.output_text.delta',
          item_id: it.id,
          output_index: outputIndex,
          content_index: 0,
          delta,
        });
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
  });
  events.push({ type: 'response.completed', response: responseObject(a) });
  return events.map((e, i) => ({ ...e, sequence_number: i }));
}

function inProgress(item: unknown): unknown {
  const it = item as Record<string, unknown>;
  return it.type === 'message'
    ? { ...it, status: 'in_progress', content: [] }
    : { ...it, status: 'in_progress', arguments: '' };
}
