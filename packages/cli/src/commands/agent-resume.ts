import {
  defaultRunsDir,
  fileCheckpointStore,
  resumeRun,
  type ApprovalDecision,
  type ResumeRunOptions,
  type RunOutcome,
} from '@cortex-os/agents';
import { listOption, parseCommandArgs, stringOption, usageError, type ParsedArgs } from '../args.js';
import { commandEnv, resolvePath, type Command, type CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { CliEnv } from '../io.js';

/** An agent built for a resume, and how to release what it holds (registry, proxies). */
export interface ResumableAgent {
  readonly agent: ResumeRunOptions['agent'];
  /** Runtime options of the agent's runs besides the store (guardrails, budget, logger…). */
  readonly options?: Omit<ResumeRunOptions, 'agent' | 'store'>;
  close(): Promise<void>;
}

/** Builds the agent exactly as `agent run` does (same name, tools and provider), from the command's environment. */
export type AgentBuilder = (env: CliEnv, ctx: CommandContext) => Promise<ResumableAgent>;

/** Help of `agent resume` (part of `agent --help`). */
export const AGENT_RESUME_HELP = `agent resume <runId> (--approve <callId> | --reject <callId>)... [--message <text>]
             [--runs-dir <dir>] [--json] [--env-file <file>]
  Continues a run stopped for approvals (in this or another process, after a restart): approves or rejects
  each pending tool call named, then runs on. Runs are kept in --runs-dir (default CORTEX_AGENT_RUNS_DIR,
  else .cortex/agent-runs). --message is what the model is told for rejected calls.
  Completed: the final answer on stdout, exit 0. Waiting for more approvals: the pending calls on stderr,
  exit 0. Budget exceeded or blocked by a guardrail: the branded reason on stderr, exit 1.
  --json prints the outcome object on stdout instead.`;

const OPTIONS = {
  approve: { type: 'string', multiple: true },
  reject: { type: 'string', multiple: true },
  message: { type: 'string' },
  'runs-dir': { type: 'string' },
  json: { type: 'boolean' },
  'env-file': { type: 'string' },
} as const;

/** The decisions of the parsed options (`--approve` first, then `--reject`). @throws UsageError when none. */
export function decisionsOf(parsed: ParsedArgs): ApprovalDecision[] {
  const message = stringOption(parsed, 'message');
  const decisions: ApprovalDecision[] = [
    ...listOption(parsed, 'approve').map((callId) => ({ callId, decision: 'approve' as const })),
    ...listOption(parsed, 'reject').map((callId) => ({
      callId,
      decision: 'reject' as const,
      ...(message === undefined ? {} : { message }),
    })),
  ];
  if (decisions.length === 0)
    throw usageError('agent resume', 'missing --approve <callId> or --reject <callId>');
  return decisions;
}

/** Prints an outcome; returns the exit code. */
export function printOutcome(ctx: CommandContext, outcome: RunOutcome, json: boolean): number {
  const failed = outcome.status === 'budget_exceeded' || outcome.status === 'blocked';
  if (json) ctx.out.out(JSON.stringify(outcome));
  switch (outcome.status) {
    case 'completed':
      if (!json) ctx.out.out(outcome.finalOutput);
      break;
    case 'interrupted':
      for (const p of outcome.pending)
        ctx.out.err(`brAInwav: run ${outcome.runId} waits for approval of call ${p.callId} (tool ${p.tool})`);
      ctx.out.err(`brAInwav: continue with: agent resume ${outcome.runId} --approve|--reject <callId>`);
      break;
    case 'budget_exceeded':
    case 'blocked':
      ctx.out.err(outcome.message);
      break;
  }
  return failed ? EXIT.FAILURE : EXIT.OK;
}

/** Progress of a resume on stderr: the approvals applied and every guardrail that redacted, flagged or blocked. */
function progress(ctx: CommandContext): NonNullable<ResumeRunOptions['audit']> {
  return (record) => {
    const d = record.detail as {
      callId?: string;
      decision?: string;
      action?: string;
      stage?: string;
      tool?: string;
    };
    if (record.event === 'approval') ctx.out.err(`brAInwav: call ${d.callId} ${d.decision}`);
    if (record.event === 'guardrail' && d.action !== 'allow')
      ctx.out.err(`brAInwav: guardrail ${d.action} (${d.stage}${d.tool ? ` of ${d.tool}` : ''})`);
  };
}

/**
 * `agent resume <runId> --approve|--reject <callId>…`: rebuilds the agent with `build`, continues the run from
 * its checkpoint with `resumeRun` and prints the outcome (see {@link AGENT_RESUME_HELP}).
 */
export function agentResumeCommand(build: AgentBuilder): Command {
  return async (args, ctx) => {
    const parsed = parseCommandArgs('agent resume', args, OPTIONS, { min: 1, max: 1, name: '<runId>' });
    const runId = parsed.positionals[0] ?? '';
    const decisions = decisionsOf(parsed);
    const env = await commandEnv(ctx, stringOption(parsed, 'env-file'));
    const dir = stringOption(parsed, 'runs-dir');
    const store = fileCheckpointStore(
      dir === undefined ? defaultRunsDir(env, ctx.io.cwd) : resolvePath(ctx, dir),
    );
    const built = await build(env, ctx);
    try {
      const audit = built.options?.audit ?? progress(ctx);
      const outcome = await resumeRun(runId, decisions, {
        ...built.options,
        audit,
        agent: built.agent,
        store,
      });
      return printOutcome(ctx, outcome, parsed.values.json === true);
    } finally {
      await built.close();
    }
  };
}
