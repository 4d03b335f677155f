import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileCheckpointStore, startRun, type CheckpointStore } from '@cortex-os/agents';
import { Agent, tool } from '@openai/agents';
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from '@openai/agents/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agentResumeCommand, type AgentBuilder } from '../src/commands/agent-resume.js';
import { Output } from '../src/io.js';

let dir: string;
let store: CheckpointStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brainwav-cli-runs-'));
  store = fileCheckpointStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const NO_TRACING = { runConfig: { tracingDisabled: true } } as const;

/** An agent whose `pay` tool needs approval; the model pays `amount` and then reports the tool's answer. */
function payAgent(paid: number[], answer = (out: string) => `answer: ${out}`): Agent {
  const pay = tool({
    name: 'pay',
    description: 'pays',
    parameters: z.object({ amount: z.number() }),
    needsApproval: true,
    execute: ({ amount }) => (paid.push(amount), `paid ${amount}`),
  });
  const model = new ScriptedModel([
    [functionCall('pay', { amount: 3 }, { callId: 'call-p1' })],
    modelResponder((call) => {
      const items = typeof call.request.input === 'string' ? [] : call.request.input;
      const result = items.find((i) => (i as { type?: string }).type === 'function_call_result') as
        { output?: { text?: string } | string } | undefined;
      const out = typeof result?.output === 'string' ? result.output : (result?.output?.text ?? '');
      return [assistantMessage(answer(out))];
    }),
  ]);
  return new Agent({ name: 'brAInwav pay agent', instructions: 'pay', model, tools: [pay] });
}

async function resume(argv: string[], agent: Agent, closed: string[] = []) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: (c: string) => (stderr += c) },
    env: { CORTEX_AGENT_RUNS_DIR: dir },
    cwd: dir,
  };
  const build: AgentBuilder = () =>
    Promise.resolve({ agent, options: NO_TRACING, close: () => Promise.resolve(void closed.push('closed')) });
  const code = await agentResumeCommand(build)(argv, { io, out: new Output(io), now: Date.now });
  return { code, stdout, stderr };
}

describe('agent resume (in process)', () => {
  it('--approve continues the stored run: final answer on stdout, exit 0, the agent closed', async () => {
    const paid: number[] = [];
    const agent = payAgent(paid);
    await startRun(agent, 'pay 3', { store, runId: 'cli-1', ...NO_TRACING });
    const closed: string[] = [];
    const r = await resume(['cli-1', '--approve', 'call-p1'], agent, closed);
    expect(r).toEqual({ code: 0, stdout: 'answer: paid 3\n', stderr: 'brAInwav: call call-p1 approved\n' });
    expect(paid).toEqual([3]);
    expect(closed).toEqual(['closed']);
  });

  it('--reject with --message: the call does not run; --json prints the outcome', async () => {
    const paid: number[] = [];
    const agent = payAgent(paid);
    await startRun(agent, 'pay 3', { store, runId: 'cli-2', ...NO_TRACING });
    const r = await resume(
      ['cli-2', '--reject', 'call-p1', '--message', 'not today', '--json', '--runs-dir', dir],
      agent,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'completed',
      runId: 'cli-2',
      finalOutput: 'answer: not today',
    });
    expect(paid).toEqual([]);
  });

  it('an answer blocked by the guardrail exits 1 with the branded reason', async () => {
    const agent = payAgent([], () => 'the key is sk-proj-abcdefghijklmnopqrstuvwxyz0123');
    await startRun(agent, 'pay 3', { store, runId: 'cli-3', ...NO_TRACING });
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: { write: (c: string) => (stderr += c) },
      env: {},
      cwd: dir,
    };
    const build: AgentBuilder = () =>
      Promise.resolve({
        agent,
        options: { ...NO_TRACING, guardrails: { secrets: 'block' } },
        close: () => Promise.resolve(),
      });
    const code = await agentResumeCommand(build)(['cli-3', '--approve', 'call-p1', '--runs-dir', dir], {
      io,
      out: new Output(io),
      now: Date.now,
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'brAInwav: run blocked by guardrail brainwav_output_secrets: the answer contained credentials',
    );
    expect(stderr).not.toContain('sk-proj-');
  });

  it('usage errors: no decision, no run id', async () => {
    const agent = payAgent([]);
    await expect(resume(['cli-x'], agent)).rejects.toMatchObject({
      exitCode: 64,
      message: expect.stringContaining('missing --approve') as string,
    });
    await expect(resume(['--approve', 'c'], agent)).rejects.toMatchObject({
      exitCode: 64,
      message: expect.stringContaining('<runId>') as string,
    });
  });
});
