import {
  assistantMessage,
  functionCall,
  modelResponder,
  modelResponse,
  ScriptedModel,
} from '@openai/agents/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMeta, resumeRun, startRun, type RunOutcome } from '../../src/index.js';
import { localAgent, logOf, NO_TRACING, tempStore, usage, type TempStore } from './helpers.js';

let t: TempStore;
beforeEach(async () => (t = await tempStore()));
afterEach(() => t.remove());

function overBudget(o: RunOutcome): Extract<RunOutcome, { status: 'budget_exceeded' }> {
  expect(o.status).toBe('budget_exceeded');
  return o as Extract<RunOutcome, { status: 'budget_exceeded' }>;
}

/** A model that looks up `k1`, `k2`, `k3`… one per turn, forever. */
function lookupsForever(tokensPerCall = 0): ScriptedModel {
  let n = 0;
  const step = () =>
    modelResponder(() => {
      n += 1;
      return {
        usage: usage(tokensPerCall),
        output: [functionCall('lookup', { key: `k${n}` }, { callId: `call-${n}` })],
      };
    });
  return new ScriptedModel(Array.from({ length: 8 }, step));
}

describe('run budgets', () => {
  it('max tool calls: the call over the budget does not execute; the partial run is kept', async () => {
    const { agent, calls } = localAgent(lookupsForever());
    const out = overBudget(
      await startRun(agent, 'go', {
        store: t.store,
        runId: 'b-tools',
        budget: { maxToolCalls: 2 },
        ...NO_TRACING,
      }),
    );
    expect(out.exceeded).toEqual({ budget: 'tool_calls', limit: 2, used: 2 });
    expect(out.message).toBe(
      'brAInwav: run stopped: tool calls budget exceeded (limit 2, used 2); the partial run is kept',
    );
    expect(calls.lookup).toEqual(['k1', 'k2']);
    const meta = await readMeta(t.store, 'b-tools');
    expect([meta.status, meta.exceeded, meta.usage.toolCalls]).toEqual(['budget_exceeded', out.exceeded, 2]);
    expect(await t.store.read('b-tools', 'state')).toContain('call-2');
    const log = await logOf(t.store, 'b-tools');
    expect(log.filter((e) => e.type === 'tool_call').map((e) => e.callId)).toEqual(['call-1', 'call-2']);
    expect(log.at(-1)).toMatchObject({ type: 'budget_exceeded', budget: 'tool_calls', limit: 2, used: 2 });
  });

  it('max tokens: the model is not called again once the tokens are spent', async () => {
    const model = lookupsForever(400);
    const { agent } = localAgent(model);
    const out = overBudget(
      await startRun(agent, 'go', {
        store: t.store,
        runId: 'b-tok',
        budget: { maxTokens: 1000 },
        ...NO_TRACING,
      }),
    );
    expect(out.exceeded).toEqual({ budget: 'tokens', limit: 1000, used: 1200 });
    expect(out.usage.tokens).toBe(1200);
    expect(model.calls).toHaveLength(3);
    expect((await readMeta(t.store, 'b-tok')).status).toBe('budget_exceeded');
  });

  it('max wall time: a slow tool is aborted and the run stops', async () => {
    const model = new ScriptedModel([
      [functionCall('wait', { ms: 5_000 }, { callId: 'call-w' })],
      [assistantMessage('late')],
    ]);
    const { agent } = localAgent(model);
    const started = Date.now();
    const out = overBudget(
      await startRun(agent, 'go', {
        store: t.store,
        runId: 'b-wall',
        budget: { maxWallTimeMs: 150 },
        ...NO_TRACING,
      }),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(out.exceeded.budget).toBe('wall_time');
    expect(out.exceeded.limit).toBe(150);
    expect(out.exceeded.used).toBeGreaterThanOrEqual(150);
    expect(out.message).toMatch(
      /^brAInwav: run stopped: wall time budget exceeded \(limit 150 ms, used \d+ ms\)/,
    );
    expect(model.calls).toHaveLength(1);
    expect((await logOf(t.store, 'b-wall')).at(-1)).toMatchObject({
      type: 'budget_exceeded',
      budget: 'wall_time',
    });
  });

  it('budgets count across a resume: tool calls before the approval count, the wait does not', async () => {
    const model = new ScriptedModel([
      [functionCall('lookup', { key: 'a' }, { callId: 'call-a' })],
      [functionCall('transfer', { amount: 1 }, { callId: 'call-t' })],
      [functionCall('lookup', { key: 'b' }, { callId: 'call-b' })],
      modelResponse({ usage: usage(0), output: [assistantMessage('never')] }),
    ]);
    const { agent, calls } = localAgent(model);
    let now = 1_000_000;
    const clock = { now: () => now };
    const first = await startRun(agent, 'go', {
      store: t.store,
      runId: 'b-res',
      budget: { maxToolCalls: 2, maxWallTimeMs: 60_000 },
      ...clock,
      ...NO_TRACING,
    });
    expect(first.status).toBe('interrupted');
    expect(first.usage.toolCalls).toBe(1);
    now += 3_600_000; // an hour waiting for the human
    const out = overBudget(
      await resumeRun('b-res', [{ callId: 'call-t', decision: 'approve' }], {
        agent,
        store: t.store,
        ...clock,
        ...NO_TRACING,
      }),
    );
    expect(out.exceeded).toEqual({ budget: 'tool_calls', limit: 2, used: 2 });
    expect(calls).toEqual({ lookup: ['a'], transfer: ['1'] });
    expect(out.usage.wallTimeMs).toBeLessThan(60_000);
  });

  it('refuses budgets that are not positive integers', async () => {
    const { agent } = localAgent(new ScriptedModel());
    await expect(startRun(agent, 'x', { store: t.store, budget: { maxTokens: 0 } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'brAInwav: budget.maxTokens must be a positive integer (got 0)',
    });
  });
});
