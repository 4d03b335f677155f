import type { ErrorCode } from '@cortex-os/connectors-manifest';
import { backoffDelay } from '@cortex-os/mcp-bridge';
import type { ModelRetrySettings, RetryPolicyContext } from '@openai/agents';
import OpenAI from 'openai';
import { AgentsError } from '../errors.js';
import type { ModelRetryConfig } from './config.js';

/** Defaults of {@link ModelRetryConfig}. */
export const DEFAULT_MODEL_RETRY: Required<ModelRetryConfig> = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

const retryable = (status: number | undefined): boolean =>
  status === 429 || (status !== undefined && status >= 500);

/**
 * The delay before retry `attempt` (1-based) of a failed model request, ms, or `undefined` not to retry:
 * 429 and 5xx answers and network errors are retried, honouring `Retry-After` / `retry-after-ms` (up to
 * `maxRetryAfterMs`), else the project's full-jitter backoff (`backoffDelay` of mcp-bridge).
 */
export function retryDelayMs(
  ctx: Pick<RetryPolicyContext, 'attempt' | 'normalized'> & { readonly error?: unknown },
  config: ModelRetryConfig = {},
  random: () => number = Math.random,
): number | undefined {
  const c = { ...DEFAULT_MODEL_RETRY, ...config };
  const { statusCode, retryAfterMs, isAbort, isNetworkError } = ctx.normalized;
  if (isAbort || ctx.attempt > c.maxRetries) return undefined;
  // a malformed answer surfaces as a TypeError the SDK may count as a network error: only the client's own
  // connection errors are network failures here
  const network =
    isNetworkError && (ctx.error === undefined || ctx.error instanceof OpenAI.APIConnectionError);
  if (!retryable(statusCode) && !(statusCode === undefined && network)) return undefined;
  if (retryAfterMs !== undefined) return retryAfterMs <= c.maxRetryAfterMs ? retryAfterMs : undefined;
  const policy = { attempts: c.maxRetries + 1, baseDelayMs: c.baseDelayMs, maxDelayMs: c.maxDelayMs };
  return backoffDelay(policy, ctx.attempt, random);
}

/** The SDK's `modelSettings.retry` for {@link retryDelayMs}: the SDK runner retries, our policy decides. */
export function modelRetrySettings(config: ModelRetryConfig = {}): ModelRetrySettings {
  const maxRetries = config.maxRetries ?? DEFAULT_MODEL_RETRY.maxRetries;
  return {
    maxRetries,
    policy: (ctx) => {
      const delayMs = retryDelayMs(ctx, config);
      return delayMs === undefined
        ? { retry: false }
        : { retry: true, delayMs, reason: 'brAInwav model retry' };
    },
  };
}

/**
 * A model request failed for good (after its retries): code `QUOTA_EXCEEDED` (429), `UPSTREAM_AUTH_FAILED`
 * (401/403), `UPSTREAM_PROTOCOL_ERROR` (malformed answer or another 4xx), `UPSTREAM_UNAVAILABLE` (5xx, network).
 * `status` is the model server's HTTP status when one was received.
 */
export class ModelProviderError extends AgentsError {
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; status?: number }) {
    super(code, message, { cause: options.cause });
    this.status = options.status;
  }
}

function codeOf(status: number | undefined): ErrorCode {
  if (status === 429) return 'QUOTA_EXCEEDED';
  if (status === 401 || status === 403) return 'UPSTREAM_AUTH_FAILED';
  if (status === undefined || status >= 500) return 'UPSTREAM_UNAVAILABLE';
  return 'UPSTREAM_PROTOCOL_ERROR';
}

/**
 * `err` of a model request as a branded {@link ModelProviderError} naming the model and server (never the key);
 * other `AgentsError`s (guardrails, budgets, config) are returned as they are.
 */
export function toModelError(err: unknown, where: { model: string; baseURL: string }): AgentsError {
  if (err instanceof AgentsError) return err;
  const at = `model "${where.model}" at ${where.baseURL}`;
  if (err instanceof OpenAI.APIConnectionError)
    return new ModelProviderError('UPSTREAM_UNAVAILABLE', `${at} is unreachable (${err.constructor.name})`, {
      cause: err,
    });
  if (err instanceof OpenAI.APIError) {
    const status = typeof err.status === 'number' ? err.status : undefined;
    const detail = err.message.slice(0, 200);
    return new ModelProviderError(codeOf(status), `${at} failed: HTTP ${status ?? '?'} ${detail}`, {
      cause: err,
      ...(status !== undefined ? { status } : {}),
    });
  }
  const name = err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : String(err);
  return new ModelProviderError('UPSTREAM_PROTOCOL_ERROR', `${at} gave an unusable answer (${name})`, {
    cause: err,
  });
}
