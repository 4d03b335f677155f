import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  createSecretRefPolicy,
  gatewaySecretValues,
  resolveSecretRef,
  SECRET_DIR_VAR,
} from '@cortex-os/connectors-manifest/node';
import { z } from 'zod';
import { AgentsConfigError } from '../errors.js';

/** `openai` (api.openai.com) or any server speaking its HTTP API (LM Studio, Ollama, vLLM…). */
export type ProviderKind = 'openai' | 'openai-compatible';

/** Which model API to use: chosen by the capability probe (`auto`), or fixed. */
export type ModelApiChoice = 'auto' | 'responses' | 'chat_completions';

/** Retries of a model request on 429, 5xx and network errors. */
export interface ModelRetryConfig {
  /** Retries after the first attempt (default 3; 0 disables). */
  readonly maxRetries?: number;
  /** Base of the full-jitter backoff when no `Retry-After` is sent, ms (default 500). */
  readonly baseDelayMs?: number;
  /** Cap of one backoff delay, ms (default 8000). */
  readonly maxDelayMs?: number;
  /** Longest `Retry-After` honoured, ms (default 60000): a longer one fails at once. */
  readonly maxRetryAfterMs?: number;
}

/** Hosted MCP mode: the model calls the gateway's `/mcp` itself (Responses API only). */
export interface HostedMcpConfig {
  /** The gateway's public `/mcp` URL (reachable from the model provider). */
  readonly url: string;
  /** `server_label` the model sees (default `cortex`). */
  readonly serverLabel?: string;
  /** `never` (default), `always`, or the gateway tool names that need an approval. */
  readonly requireApproval?: 'never' | 'always' | readonly string[];
  /** secretRef of the bearer the model provider sends to the gateway (`env:NAME` or `file:/path`). */
  readonly authorizationRef?: string;
}

/** A provider configuration, as the typed config file holds it (every field optional there). */
export interface ProviderConfig {
  readonly provider: ProviderKind;
  /** Model id (required for `openai-compatible`; `openai` defaults to the SDK's default model). */
  readonly model: string | undefined;
  /** Base URL with `/v1`; unset: the OpenAI SDK's own (`OPENAI_BASE_URL`, else api.openai.com). */
  readonly baseURL: string | undefined;
  /** secretRef of the API key; unset: `OPENAI_API_KEY`, as the OpenAI SDK reads it. */
  readonly apiKeyRef: string | undefined;
  readonly api: ModelApiChoice;
  readonly retry: ModelRetryConfig;
  /** Timeout of one model request, ms (default 120000). */
  readonly timeoutMs: number;
  /** JSON file caching capability probes per baseURL+model (unset: in memory only). */
  readonly probeCacheFile: string | undefined;
  readonly hostedMcp: HostedMcpConfig | undefined;
}

const retrySchema = z.strictObject({
  maxRetries: z.int().min(0).max(10).optional(),
  baseDelayMs: z.int().min(0).optional(),
  maxDelayMs: z.int().min(0).optional(),
  maxRetryAfterMs: z.int().min(0).optional(),
});

const hostedSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  serverLabel: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,64}$/)
    .optional(),
  requireApproval: z.union([z.enum(['never', 'always']), z.array(z.string().min(1))]).optional(),
  authorizationRef: z
    .string()
    .regex(/^(env|file):/)
    .optional(),
});

const fileSchema = z.strictObject({
  provider: z.enum(['openai', 'openai-compatible']).optional(),
  model: z.string().min(1).optional(),
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  apiKeyRef: z
    .string()
    .regex(/^(env|file):/, 'must be env:NAME or file:/path')
    .optional(),
  api: z.enum(['auto', 'responses', 'chat_completions']).optional(),
  retry: retrySchema.optional(),
  timeoutMs: z.int().min(1).optional(),
  probeCacheFile: z.string().min(1).optional(),
  hostedMcp: hostedSchema.optional(),
});

/** The typed config file (`CORTEX_AGENT_CONFIG`, JSON). */
export type ProviderConfigFile = z.infer<typeof fileSchema>;

/** Config file variable; the other variables override its fields. */
export const AGENT_CONFIG_VAR = 'CORTEX_AGENT_CONFIG';

const set = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/** Parses and validates a config file's JSON text. @throws AgentsConfigError `CONFIG_INVALID` naming the field. */
export function parseProviderConfigFile(text: string, source: string): ProviderConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AgentsConfigError(`${source} is not valid JSON`, { cause });
  }
  const parsed = fileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AgentsConfigError(
    `${source}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}`,
  );
}

/**
 * The provider configuration of an environment: the JSON file of `CORTEX_AGENT_CONFIG` (or `file`), overridden
 * by `CORTEX_AGENT_PROVIDER`, `CORTEX_AGENT_MODEL`, `CORTEX_AGENT_API_KEY_REF`, `CORTEX_AGENT_API`,
 * `CORTEX_AGENT_PROBE_CACHE` and `FORCE_CHAT_COMPLETIONS=true` (API `chat_completions`). The provider defaults
 * to `openai-compatible` when a base URL is set (config or `OPENAI_BASE_URL`) other than api.openai.com.
 * @throws AgentsConfigError `CONFIG_INVALID` (unreadable or invalid file, bad variable, missing model).
 */
export async function loadProviderConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<ProviderConfig> {
  const path = set(env, AGENT_CONFIG_VAR);
  const file = path ? await readConfigFile(resolve(cwd, path)) : {};
  return providerConfigOf(file, env, cwd);
}

async function readConfigFile(path: string): Promise<ProviderConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new AgentsConfigError(`${AGENT_CONFIG_VAR} file ${path} cannot be read`, { cause });
  }
  return parseProviderConfigFile(text, `${AGENT_CONFIG_VAR} file ${path}`);
}

/** {@link loadProviderConfig} on an already parsed file. */
export function providerConfigOf(
  file: ProviderConfigFile,
  env: NodeJS.ProcessEnv,
  cwd: string,
): ProviderConfig {
  const over = parseProviderConfigFile(JSON.stringify(envOverrides(env)), 'CORTEX_AGENT_* variables');
  const merged = { ...file, ...over };
  const baseURL = merged.baseURL;
  const effectiveBase = baseURL ?? set(env, 'OPENAI_BASE_URL');
  const provider =
    merged.provider ??
    (effectiveBase && !/^https:\/\/api\.openai\.com\b/.test(effectiveBase) ? 'openai-compatible' : 'openai');
  if (provider === 'openai-compatible' && !merged.model)
    throw new AgentsConfigError('model is required for provider openai-compatible (CORTEX_AGENT_MODEL)');
  const force = env.FORCE_CHAT_COMPLETIONS?.trim().toLowerCase() === 'true';
  const cache = merged.probeCacheFile;
  return {
    provider,
    model: merged.model,
    baseURL,
    apiKeyRef: merged.apiKeyRef,
    api: force ? 'chat_completions' : (merged.api ?? 'auto'),
    retry: merged.retry ?? {},
    timeoutMs: merged.timeoutMs ?? 120_000,
    probeCacheFile: cache ? (isAbsolute(cache) ? cache : resolve(cwd, cache)) : undefined,
    hostedMcp: merged.hostedMcp,
  };
}

function envOverrides(env: NodeJS.ProcessEnv): Record<string, string> {
  const pairs: [string, string | undefined][] = [
    ['provider', set(env, 'CORTEX_AGENT_PROVIDER')],
    ['model', set(env, 'CORTEX_AGENT_MODEL')],
    ['apiKeyRef', set(env, 'CORTEX_AGENT_API_KEY_REF')],
    ['api', set(env, 'CORTEX_AGENT_API')],
    ['probeCacheFile', set(env, 'CORTEX_AGENT_PROBE_CACHE')],
  ];
  return Object.fromEntries(pairs.filter((p): p is [string, string] => p[1] !== undefined));
}

/**
 * Resolves an operator-configured secretRef (`env:NAME`, `file:/path`): the ref itself is allowed (it comes
 * from the agent's config, not from a manifest), `file:` refs read inside `CONNECTORS_SECRET_DIR` (default the
 * file's own directory), and a value equal to one of the gateway's own keys is refused.
 * @throws ConnectorsError `SECRET_UNRESOLVED` / `SECRET_REF_NOT_ALLOWED` (naming the ref, never a value).
 */
export function resolveConfigSecret(ref: string, env: NodeJS.ProcessEnv): Promise<string> {
  const secretDir = ref.startsWith('file:') ? (set(env, SECRET_DIR_VAR) ?? dirname(ref.slice(5))) : undefined;
  const policy = createSecretRefPolicy({
    allow: [ref],
    ...(secretDir ? { secretDir } : {}),
    deniedValues: gatewaySecretValues(env),
  });
  return resolveSecretRef(ref, env, policy);
}

/**
 * The API key the client sends: the `apiKeyRef`'s value, else `OPENAI_API_KEY`; an `openai-compatible` server
 * without either gets a placeholder (local servers ignore it; the OpenAI client needs one).
 * @throws AgentsConfigError `CONFIG_INVALID` for `openai` without a key; what {@link resolveConfigSecret} throws.
 */
export async function resolveApiKey(config: ProviderConfig, env: NodeJS.ProcessEnv): Promise<string> {
  if (config.apiKeyRef) return resolveConfigSecret(config.apiKeyRef, env);
  const key = set(env, 'OPENAI_API_KEY');
  if (key) return key;
  if (config.provider === 'openai-compatible') return 'brAInwav-no-key';
  throw new AgentsConfigError('provider openai needs OPENAI_API_KEY or apiKeyRef (CORTEX_AGENT_API_KEY_REF)');
}
