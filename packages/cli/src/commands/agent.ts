import {
  connectModel,
  createConnectorsRegistry,
  createLineLogger,
  createProviderAgent,
  defaultRunsDir,
  fileCheckpointStore,
  startRun,
  type AgentsLogger,
  type CapabilityProbe,
  type ConnectedModel,
  type FallbackConfig,
  type RunOutcome,
  type StartRunOptions,
} from '@cortex-os/agents';
import { intOption, parseCommandArgs, stringOption, usageError } from '../args.js';
import { commandEnv, present, resolvePath, type Command, type CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { CliEnv } from '../io.js';
import { verifyKeysFromEnv } from '../keys.js';
import { AGENT_RESUME_HELP, agentResumeCommand, printOutcome, type ResumableAgent } from './agent-resume.js';

/** asbr base URL of `agent run` without `ASBR_URL` (the local stack). */
export const DEFAULT_ASBR_URL = 'http://127.0.0.1:7070';

/** Instructions of the agent without `CORTEX_AGENT_INSTRUCTIONS` (run and resume must use the same). */
export const DEFAULT_AGENT_INSTRUCTIONS =
  'You are the brAInwav execution surface. Use the connector tools to answer; say which tool you used.';

/** Help of `agent run` and `agent probe` (part of `agent --help`). */
export const AGENT_RUN_HELP = `agent run "<prompt>" [--max-turns n] [--run-id id] [--runs-dir <dir>] [--json] [--env-file <file>]
  Loads the verified map from asbr (ASBR_URL, CONNECTORS_API_KEY, CONNECTORS_VERIFY_KEYS or
  CONNECTORS_SIGNATURE_KEY; MCP_API_KEY for stdio connectors behind the gateway), probes the model
  provider, builds the agent (connectors as function tools; the gateway as a hosted MCP tool with
  hostedMcp in the config; no tools when the model cannot call any) and runs it with checkpoints.
  Tool calls are printed on stderr as they happen, the final answer on stdout (exit 0); a model or
  registry failure, an exceeded budget or a blocked run exits 1.
agent probe [--refresh] [--json] [--env-file <file>]
  Prints the capability probe (Responses API, Chat Completions, tool calls, streaming, the API picked);
  cached per base URL + model (--refresh probes again).
Provider: CORTEX_AGENT_CONFIG (JSON file: provider, baseURL, model, apiKeyRef, api, retry, hostedMcp…),
  CORTEX_AGENT_PROVIDER (openai | openai-compatible), CORTEX_AGENT_MODEL, OPENAI_BASE_URL, OPENAI_API_KEY
  or CORTEX_AGENT_API_KEY_REF (env:NAME | file:/path), FORCE_CHAT_COMPLETIONS=true, CORTEX_AGENT_PROBE_CACHE,
  CORTEX_AGENT_SURFACES (comma-separated connector ids), CORTEX_AGENT_FALLBACK (JSON fallback policies, e.g.
  {"connectors":{"demo":{"policy":"approval"}}} to pause each call for agent resume), CORTEX_AGENT_INSTRUCTIONS,
  CORTEX_AGENT_LOG_LEVEL (pino JSON lines on stderr, default warn).`;

/** Help of the `agent` command. */
export const AGENT_HELP = `Usage: cortex-connectors agent run|probe|resume …

${AGENT_RUN_HELP}
${AGENT_RESUME_HELP}`;

function loggerOf(env: CliEnv, ctx: CommandContext): AgentsLogger {
  const secrets = ['CONNECTORS_API_KEY', 'MCP_API_KEY', 'OPENAI_API_KEY']
    .map((name) => present(env, name))
    .filter((v): v is string => v !== undefined);
  ctx.out.secret(...secrets);
  return createLineLogger({
    write: (line) => ctx.out.err(line),
    level: present(env, 'CORTEX_AGENT_LOG_LEVEL') ?? 'warn',
    secrets,
    component: 'cli.agent',
  });
}

function connect(
  env: CliEnv,
  ctx: CommandContext,
  logger: AgentsLogger,
  refresh = false,
): Promise<ConnectedModel> {
  return connectModel({ env: { ...env }, cwd: ctx.io.cwd, logger, refreshProbe: refresh });
}

function probeLine(p: CapabilityProbe, cached: boolean): string {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  return (
    `brAInwav: model ${p.model} at ${p.baseURL}: api=${p.api}${p.forced ? ' (forced)' : ''} ` +
    `tools=${yes(p.toolCalls)} streaming=${yes(p.streaming)}${cached ? ' (cached probe)' : ''}`
  );
}

/** An agent built as `agent run` and `agent resume` build it, with what its runs need. */
export interface CliAgent extends ResumableAgent {
  readonly connected: ConnectedModel;
}

/**
 * Builds the agent of the command's environment: connects the provider (probe), loads the verified map from
 * asbr and builds the provider agent. Prints the probe line (and the read-only warning) on stderr.
 */
export async function buildCliAgent(env: CliEnv, ctx: CommandContext): Promise<CliAgent> {
  const logger = loggerOf(env, ctx);
  const connected = await connect(env, ctx, logger);
  ctx.out.err(probeLine(connected.probe, connected.cached));
  if (connected.readOnly)
    ctx.out.err(
      'brAInwav: warning: the model cannot call tools; the agent runs read-only (no connector is called)',
    );
  const registry = createConnectorsRegistry({
    url: present(env, 'ASBR_URL') ?? DEFAULT_ASBR_URL,
    keys: verifyKeysFromEnv(env),
    logger,
    ...(present(env, 'CONNECTORS_API_KEY') ? { apiKey: present(env, 'CONNECTORS_API_KEY') } : {}),
    ...(present(env, 'MCP_API_KEY') ? { gatewayApiKey: present(env, 'MCP_API_KEY') } : {}),
  });
  try {
    await registry.ready();
    const surfaces = present(env, 'CORTEX_AGENT_SURFACES')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const built = await createProviderAgent({
      registry,
      connected,
      instructions: present(env, 'CORTEX_AGENT_INSTRUCTIONS') ?? DEFAULT_AGENT_INSTRUCTIONS,
      logger,
      env: { ...env },
      ...(surfaces ? { allowedSurfaces: surfaces } : {}),
      ...fallbackOf(env),
    });
    ctx.out.err(`brAInwav: agent mode ${built.mode}, ${built.tools.length} tool(s)`);
    watchTools(built.agent, ctx);
    return {
      agent: built.agent,
      connected,
      options: { logger, runConfig: { modelSettings: connected.modelSettings, tracingDisabled: true } },
      close: () => registry.close(),
    };
  } catch (err) {
    await registry.close();
    throw err;
  }
}

/** `CORTEX_AGENT_FALLBACK` (JSON `FallbackConfig`, e.g. `{"connectors":{"demo":{"policy":"approval"}}}`). */
function fallbackOf(env: CliEnv): { fallback?: FallbackConfig } {
  const text = present(env, 'CORTEX_AGENT_FALLBACK');
  if (text === undefined) return {};
  try {
    return { fallback: JSON.parse(text) as FallbackConfig };
  } catch (cause) {
    throw new CliError('CONFIG_INVALID', 'CORTEX_AGENT_FALLBACK is not valid JSON', { cause });
  }
}

/** Tool calls on stderr as they happen (names and call ids, never arguments or results). */
function watchTools(agent: CliAgent['agent'], ctx: CommandContext): void {
  agent.on('agent_tool_start', (_c, tool, d) =>
    ctx.out.err(`brAInwav: tool call ${tool.name} (${callIdOf(d.toolCall)})`),
  );
  agent.on('agent_tool_end', (_c, tool, result, d) =>
    ctx.out.err(`brAInwav: tool result ${tool.name} (${callIdOf(d.toolCall)}, ${result.length} chars)`),
  );
}

function callIdOf(item: unknown): string {
  const i = item as { callId?: string; id?: string };
  return i.callId ?? i.id ?? '?';
}

const RUN_OPTIONS = {
  'max-turns': { type: 'string' },
  'run-id': { type: 'string' },
  'runs-dir': { type: 'string' },
  json: { type: 'boolean' },
  'env-file': { type: 'string' },
} as const;

function usageLine(ctx: CommandContext, outcome: RunOutcome): void {
  ctx.out.err(
    `brAInwav: run ${outcome.runId} ${outcome.status}: ${outcome.usage.toolCalls} tool call(s), ` +
      `${outcome.usage.tokens} token(s)`,
  );
}

async function runCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const parsed = parseCommandArgs('agent run', args, RUN_OPTIONS, { min: 1, max: 1, name: '"<prompt>"' });
  const prompt = parsed.positionals[0] ?? '';
  if (prompt.trim() === '') throw usageError('agent run', 'the prompt is empty');
  const maxTurns = intOption('agent run', parsed, 'max-turns', 1);
  const env = await commandEnv(ctx, stringOption(parsed, 'env-file'));
  const dir = stringOption(parsed, 'runs-dir');
  const store = fileCheckpointStore(
    dir === undefined ? defaultRunsDir(env, ctx.io.cwd) : resolvePath(ctx, dir),
  );
  const built = await buildCliAgent(env, ctx);
  try {
    const runId = stringOption(parsed, 'run-id');
    const options: StartRunOptions = {
      ...built.options,
      store,
      ...(runId ? { runId } : {}),
      ...(maxTurns !== undefined ? { maxTurns } : {}),
    };
    const outcome = await startRun(built.agent, prompt, options).catch((err: unknown) => {
      throw built.connected.brandError(err);
    });
    usageLine(ctx, outcome);
    return printOutcome(ctx, outcome, parsed.values.json === true);
  } finally {
    await built.close();
  }
}

const PROBE_OPTIONS = {
  refresh: { type: 'boolean' },
  json: { type: 'boolean' },
  'env-file': { type: 'string' },
} as const;

async function probeCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const parsed = parseCommandArgs('agent probe', args, PROBE_OPTIONS, { min: 0, max: 0 });
  const env = await commandEnv(ctx, stringOption(parsed, 'env-file'));
  const c = await connect(env, ctx, loggerOf(env, ctx), parsed.values.refresh === true);
  if (parsed.values.json === true) ctx.out.out(JSON.stringify({ cached: c.cached, probe: c.probe }));
  else {
    ctx.out.out(probeLine(c.probe, c.cached));
    for (const [name, p] of [
      ['responses', c.probe.responses],
      ['chat_completions', c.probe.chatCompletions],
    ] as const)
      ctx.out.out(
        `  ${name}: supported=${p.supported} tools=${p.toolCalls}${p.error ? ` (${p.error})` : ''}`,
      );
  }
  return EXIT.OK;
}

const resumeCommand = agentResumeCommand(buildCliAgent);

/** `agent run|probe|resume` (see {@link AGENT_HELP}). */
export const agentCommand: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  if (sub === 'run') return runCommand(rest, ctx);
  if (sub === 'probe') return probeCommand(rest, ctx);
  if (sub === 'resume') return resumeCommand(rest, ctx);
  throw usageError(
    'agent',
    sub === undefined ? 'missing subcommand run|probe|resume' : `unknown subcommand ${JSON.stringify(sub)}`,
  );
};
