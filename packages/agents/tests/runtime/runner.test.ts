import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from '@openai/agents/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMeta, resumeRun, startRun, type RunOutcome } from '../../src/index.js';
import { lastToolOutput } from '../stack.js';
import { auditSink, localAgent, logOf, logTypes, NO_TRACING, tempStore, type TempStore } from './helpers.js';

let t: TempStore;
beforeEach(async () => (t = await tempStore()));
afterEach(() => t.remove());

function transferThenAnswer(): ScriptedModel {
  return new ScriptedModel([
    [functionCall('transfer', { amount: 42 }, { callId: 'call-t1' })],
    modelResponder((call) => [assistantMessage(`done: ${lastToolOutput(call)}`)]),
  ]);
}

function expectStatus<S extends RunOutcome['status']>(
  o: RunOutcome,
  s: S,
): Extract<RunOutcome, { status: S }> {
  expect(o.status).toBe(s);
  return o as Extract<RunOutcome, { status: S }>;
}

describe('startRun / resumeRun', () => {
  it('runs to completion through the SDK runner, with a run directory and a run log', async () => {
    const model = new ScriptedModel([
      [functionCall('lookup', { key: 'city' }, { callId: 'call-l1' })],
      modelResponder((call) => [assistantMessage(`The answer is ${lastToolOutput(call)}`)]),
    ]);
    const { agent, calls } = localAgent(model);
    const out = expectStatus(
      await startRun(agent, 'where?', { store: t.store, runId: 'run-1', ...NO_TRACING }),
      'completed',
    );
    expect(out.finalOutput).toBe('The answer is value of city');
    expect(out.usage.toolCalls).toBe(1);
    expect(calls.lookup).toEqual(['city']);
    expect(await logTypes(t.store, 'run-1')).toEqual([
      'run_started',
      'guardrail', // input
      'model_call',
      'tool_call',
      'guardrail', // tool result
      'tool_result',
      'model_call',
      'guardrail', // final output
      'run_completed',
    ]);
    const meta = await readMeta(t.store, 'run-1');
    expect([meta.status, meta.agent, meta.brand, meta.pending]).toEqual([
      'completed',
      'brAInwav test agent',
      'brAInwav',
      [],
    ]);
    const state = JSON.parse(await readFile(join(t.dir, 'run-1', 'state.json'), 'utf8')) as {
      $schemaVersion: string;
    };
    expect(typeof state.$schemaVersion).toBe('string');
  });

  it('stops at a tool that needs approval, keeps the RunState, and resumes with the approval', async () => {
    const { agent, calls } = localAgent(transferThenAnswer());
    const audit = auditSink();
    const first = expectStatus(
      await startRun(agent, 'pay', { store: t.store, runId: 'run-a', audit: audit.write, ...NO_TRACING }),
      'interrupted',
    );
    expect(first.pending).toEqual([{ callId: 'call-t1', tool: 'transfer' }]);
    expect(calls.transfer).toEqual([]);
    expect((await readMeta(t.store, 'run-a')).status).toBe('interrupted');
    const done = expectStatus(
      await resumeRun('run-a', [{ callId: 'call-t1', decision: 'approve' }], {
        agent,
        store: t.store,
        audit: audit.write,
        ...NO_TRACING,
      }),
      'completed',
    );
    expect(done.finalOutput).toBe('done: transferred 42');
    expect(calls.transfer).toEqual(['42']);
    const log = await logOf(t.store, 'run-a');
    expect(log.filter((e) => e.type === 'approval_requested' || e.type === 'approval')).toMatchObject([
      { type: 'approval_requested', tool: 'transfer', callId: 'call-t1' },
      { type: 'approval', tool: 'transfer', callId: 'call-t1', decision: 'approved' },
    ]);
    expect(audit.records.find((r) => r.event === 'approval')).toMatchObject({
      brand: 'brAInwav',
      runId: 'run-a',
      detail: { decision: 'approved', callId: 'call-t1' },
    });
  });

  it('a rejected call is not executed and the model is told so', async () => {
    const { agent, calls } = localAgent(transferThenAnswer());
    await startRun(agent, 'pay', { store: t.store, runId: 'run-r', ...NO_TRACING });
    const done = expectStatus(
      await resumeRun(
        'run-r',
        [{ callId: 'call-t1', decision: 'reject', message: 'brAInwav: refused by the operator' }],
        {
          agent,
          store: t.store,
          ...NO_TRACING,
        },
      ),
      'completed',
    );
    expect(done.finalOutput).toBe('done: brAInwav: refused by the operator');
    expect(calls.transfer).toEqual([]);
  });

  it('refuses unknown runs, runs not waiting, unknown call ids, another agent, and an existing run id', async () => {
    const { agent } = localAgent(transferThenAnswer());
    await expect(
      resumeRun('nope', [{ callId: 'x', decision: 'approve' }], { agent, store: t.store }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await startRun(agent, 'pay', { store: t.store, runId: 'run-x', ...NO_TRACING });
    await expect(
      resumeRun('run-x', [{ callId: 'other', decision: 'approve' }], { agent, store: t.store }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('pending: call-t1') as string,
    });
    await expect(resumeRun('run-x', [], { agent, store: t.store })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const other = localAgent(new ScriptedModel()).agent;
    other.name = 'someone else';
    await expect(
      resumeRun('run-x', [{ callId: 'call-t1', decision: 'approve' }], { agent: other, store: t.store }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(startRun(agent, 'again', { store: t.store, runId: 'run-x' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(startRun(agent, 'x', { store: t.store, runId: '../escape' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    await resumeRun('run-x', [{ callId: 'call-t1', decision: 'approve' }], {
      agent,
      store: t.store,
      ...NO_TRACING,
    });
    await expect(
      resumeRun('run-x', [{ callId: 'call-t1', decision: 'approve' }], { agent, store: t.store }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('is completed, not waiting') as string,
    });
  });

  it('reports every log entry to onEvent as it happens and keeps a callModelInputFilter of the caller', async () => {
    const model = new ScriptedModel([
      [functionCall('lookup', { key: 'k' }, { callId: 'call-e' })],
      [assistantMessage('fine')],
    ]);
    const { agent } = localAgent(model);
    const events: string[] = [];
    let filtered = 0;
    const out = await startRun(agent, 'x', {
      store: t.store,
      runId: 'run-ev',
      onEvent: (e) => events.push(e.type === 'tool_call' ? `tool_call:${e.tool}` : e.type),
      runConfig: {
        tracingDisabled: true,
        callModelInputFilter: ({ modelData }) => {
          filtered += 1;
          return { ...modelData, instructions: 'filtered by the caller' };
        },
      },
    });
    expect(out.status).toBe('completed');
    expect(filtered).toBe(2);
    expect(model.calls[0]?.request.systemInstructions).toBe('filtered by the caller');
    expect(events).toEqual(
      (await logTypes(t.store, 'run-ev')).map((e) => (e === 'tool_call' ? 'tool_call:lookup' : e)),
    );
  });

  it('a run left running by a dead process (killed during a resume) can be resumed; a live owner is refused', async () => {
    const { agent, calls } = localAgent(transferThenAnswer());
    await startRun(agent, 'pay', { store: t.store, runId: 'run-s', ...NO_TRACING });
    const meta = await readMeta(t.store, 'run-s');
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    const dead = spawn('true', [], { stdio: 'ignore' });
    await new Promise((r) => dead.once('exit', r));
    try {
      const running = (pid: number) =>
        t.store.write(
          'run-s',
          'meta',
          JSON.stringify({ ...meta, status: 'running', owner: { host: hostname(), pid } }),
        );
      await running(sleeper.pid ?? 0);
      const decision = [{ callId: 'call-t1', decision: 'approve' as const }];
      await expect(resumeRun('run-s', decision, { agent, store: t.store })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('is running, not waiting') as string,
      });
      await running(dead.pid ?? 0);
      const done = await resumeRun('run-s', decision, { agent, store: t.store, ...NO_TRACING });
      expect(done).toMatchObject({ status: 'completed', finalOutput: 'done: transferred 42' });
      expect(calls.transfer).toEqual(['42']);
      expect(await logOf(t.store, 'run-s')).toContainEqual(
        expect.objectContaining({ type: 'run_recovered', deadPid: dead.pid }),
      );
      expect((await readMeta(t.store, 'run-s')).owner).toBeUndefined();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });
});
