import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assistantMessage,
  functionCall,
  modelError,
  modelResponder,
  ScriptedModel,
} from '@openai/agents/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resumeRun, startRun } from '../../src/index.js';
import { lastToolOutput } from '../stack.js';
import { FAKE, localAgent, logOf, NO_TRACING, tempStore, type TempStore } from './helpers.js';

let t: TempStore;
beforeEach(async () => (t = await tempStore()));
afterEach(() => t.remove());

const ALL = Object.values(FAKE);

async function logText(runId: string): Promise<string> {
  return readFile(join(t.dir, runId, 'run.jsonl'), 'utf8');
}

describe('run log', () => {
  it('records model calls, tool calls, guardrail decisions and approvals as JSONL, without secrets or arguments', async () => {
    const model = new ScriptedModel([
      [functionCall('lookup', { key: FAKE.aws }, { callId: 'call-1' })],
      [functionCall('transfer', { amount: 7 }, { callId: 'call-2' })],
      modelResponder((call) => [assistantMessage(`${lastToolOutput(call)} with ${FAKE.openai}`)]),
    ]);
    const { agent } = localAgent(model, { [FAKE.aws]: `secret ${FAKE.github} ${FAKE.pem}` });
    await startRun(agent, `input ${FAKE.slack} ${FAKE.jwt}`, {
      store: t.store,
      runId: 'log-1',
      ...NO_TRACING,
    });
    await resumeRun('log-1', [{ callId: 'call-2', decision: 'approve' }], {
      agent,
      store: t.store,
      ...NO_TRACING,
    });
    const text = await logText('log-1');
    for (const secret of ALL) expect(text).not.toContain(secret.slice(0, 24));
    expect(text).not.toContain('BEGIN RSA');
    const log = await logOf(t.store, 'log-1');
    for (const e of log) expect(typeof e.ts === 'string' && !Number.isNaN(Date.parse(e.ts))).toBe(true);
    expect(log.map((e) => e.type)).toEqual([
      'run_started',
      'guardrail',
      'model_call',
      'tool_call',
      'guardrail',
      'tool_result',
      'model_call',
      'approval_requested',
      'run_interrupted',
      'approval',
      'run_resumed',
      'tool_call',
      'guardrail',
      'tool_result',
      'model_call',
      'guardrail',
      'run_completed',
    ]);
    expect(log[2]).toMatchObject({
      type: 'model_call',
      turn: 1,
      agent: 'brAInwav test agent',
      tokensSoFar: 0,
    });
    expect(log[3]).toEqual({ ts: log[3]?.ts, type: 'tool_call', tool: 'lookup', callId: 'call-1', n: 1 });
    expect(log.at(-1)).toMatchObject({ type: 'run_completed', toolCalls: 2 });
  });

  it('a failing model ends the run failed: error logged redacted, state and meta kept, error thrown', async () => {
    const model = new ScriptedModel([modelError(new Error(`upstream said ${FAKE.openai} is invalid`))]);
    const { agent } = localAgent(model);
    await expect(startRun(agent, 'x', { store: t.store, runId: 'log-f', ...NO_TRACING })).rejects.toThrow(
      /upstream said/,
    );
    const last = (await logOf(t.store, 'log-f')).at(-1);
    expect(last).toMatchObject({
      type: 'run_failed',
      error: 'Error',
      message: 'upstream said [REDACTED:openai_key] is invalid',
    });
    expect(JSON.parse((await t.store.read('log-f', 'meta')) ?? '{}')).toMatchObject({ status: 'failed' });
    expect(await t.store.read('log-f', 'state')).toBeTypeOf('string');
  });
});
