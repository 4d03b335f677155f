import { createSilentLogger } from '@cortex-os/telemetry';
import {
  getDefaultModel,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  type Model,
  type ModelSettings,
} from '@openai/agents';
import OpenAI from 'openai';
import type { AgentsError } from '../errors.js';
import type { AgentsLogger } from '../types.js';
import { loadProviderConfig, resolveApiKey, type ProviderConfig } from './config.js';
import { createProbeCache, type ProbeCache } from './probe-cache.js';
import { probeCapabilities, type CapabilityProbe, type ModelApi } from './probe.js';
import { ModelProviderError, modelRetrySettings, toModelError } from './retry.js';

/** The audit line of a probe (what `audit` receives and the logger writes under `audit`). */
export interface ProbeAuditRecord {
  readonly ts: string;
  readonly brand: 'brAInwav';
  readonly event: 'model_probe';
  readonly detail: {
    readonly baseURL: string;
    readonly model: string;
    readonly api: ModelApi;
    readonly toolCalls: boolean;
    readonly streaming: boolean;
    readonly cached: boolean;
  };
}

/** Options of {@link connectModel}. */
export interface ConnectModelOptions {
  /** Configuration (default {@link loadProviderConfig} of `env`). */
  readonly config?: ProviderConfig;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** pino logger: the probe event, the read-only warning and the audit line (default silent). */
  readonly logger?: AgentsLogger;
  readonly audit?: (record: ProbeAuditRecord) => void;
  /** Probe cache (default: memory, plus the config's `probeCacheFile`). */
  readonly probeCache?: ProbeCache;
  /** Probe again even when a cached probe is fresh. */
  readonly refreshProbe?: boolean;
}

/** A model ready for an agent: the SDK model class the probe picked, its settings and what the probe found. */
export interface ConnectedModel {
  readonly config: ProviderConfig;
  readonly client: OpenAI;
  /** The SDK's `OpenAIResponsesModel` or `OpenAIChatCompletionsModel`. */
  readonly model: Model;
  readonly modelName: string;
  readonly probe: CapabilityProbe;
  /** The probe came from the cache. */
  readonly cached: boolean;
  /** The model cannot call tools: give the agent no tools (see `READ_ONLY_WARNING`). */
  readonly readOnly: boolean;
  /** `retry` (429/5xx with Retry-After and backoff): pass as the run's `modelSettings`. */
  readonly modelSettings: ModelSettings;
  /** A model failure as a branded error naming model and server. */
  brandError(err: unknown): AgentsError;
}

/** The warning of a read-only agent. */
export const READ_ONLY_WARNING =
  'brAInwav: the model cannot call tools; the agent runs read-only (no connector is called)';

/**
 * Connects to the configured provider: builds the OpenAI client (`maxRetries` 0: the SDK runner retries with
 * {@link modelRetrySettings}), runs or reuses the capability probe, picks the SDK model class, logs the probe as
 * one `agent.model_probe` event plus an audit line, and warns when the model cannot call tools.
 * @throws AgentsConfigError `CONFIG_INVALID`; what `resolveApiKey` throws; ModelProviderError when the server
 *   answers neither API.
 */
export async function connectModel(options: ConnectModelOptions = {}): Promise<ConnectedModel> {
  const env = options.env ?? process.env;
  const config = options.config ?? (await loadProviderConfig(env, options.cwd));
  const logger = options.logger ?? createSilentLogger('agents.provider');
  const client = new OpenAI({
    apiKey: await resolveApiKey(config, env),
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    maxRetries: 0,
    timeout: config.timeoutMs,
  });
  const modelName = config.model ?? getDefaultModel();
  const where = { model: modelName, baseURL: client.baseURL };
  const cache =
    options.probeCache ?? createProbeCache(config.probeCacheFile ? { file: config.probeCacheFile } : {});
  const { probe, cached } = await probeOnce(client, modelName, config, cache, options.refreshProbe === true);
  if (!probe.responses.supported && !probe.chatCompletions.supported) throw noApi(probe, where);
  report(probe, cached, logger, options.audit);
  const model =
    probe.api === 'responses'
      ? new OpenAIResponsesModel(client, modelName)
      : new OpenAIChatCompletionsModel(client, modelName);
  return {
    config,
    client,
    model,
    modelName,
    probe,
    cached,
    readOnly: !probe.toolCalls,
    modelSettings: { retry: modelRetrySettings(config.retry) },
    brandError: (err) => toModelError(err, where),
  };
}

function noApi(probe: CapabilityProbe, where: { model: string; baseURL: string }): ModelProviderError {
  const why = probe.chatCompletions.error ?? 'no answer';
  const down = why.startsWith('APIConnection');
  return new ModelProviderError(
    down ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_PROTOCOL_ERROR',
    `model "${where.model}" at ${where.baseURL} answers neither the Responses API nor Chat Completions (${why})`,
    {},
  );
}

async function probeOnce(
  client: OpenAI,
  model: string,
  config: ProviderConfig,
  cache: ProbeCache,
  refresh: boolean,
): Promise<{ probe: CapabilityProbe; cached: boolean }> {
  const forced = config.api === 'auto' ? undefined : config.api;
  const hit = refresh ? undefined : await cache.get(client.baseURL, model);
  if (hit && (forced === undefined || hit.api === forced)) return { probe: hit, cached: true };
  const probe = await probeCapabilities(client, model, forced ? { api: forced } : {});
  await cache.set(probe);
  return { probe, cached: false };
}

function report(
  probe: CapabilityProbe,
  cached: boolean,
  logger: AgentsLogger,
  audit: ((r: ProbeAuditRecord) => void) | undefined,
): void {
  logger.info({ event: 'agent.model_probe', cached, probe }, 'brAInwav: model capability probe');
  const record: ProbeAuditRecord = {
    ts: new Date().toISOString(),
    brand: 'brAInwav',
    event: 'model_probe',
    detail: {
      baseURL: probe.baseURL,
      model: probe.model,
      api: probe.api,
      toolCalls: probe.toolCalls,
      streaming: probe.streaming,
      cached,
    },
  };
  logger.info({ audit: record }, 'brAInwav: agent audit');
  audit?.(record);
  if (!probe.toolCalls) logger.warn({ model: probe.model, baseURL: probe.baseURL }, READ_ONLY_WARNING);
}
