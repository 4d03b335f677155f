import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import {
  startModelServer,
  type ModelServer,
  type ModelServerRequest,
  type ModelStep,
} from '@cortex-os/agents/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMeta } from '../../src/index.js';
import { connector, hsSigner, signedMap, startMapServer, type MapServer } from '../helpers.js';
import { logOf, tempStore, type TempStore } from './helpers.js';

const CHILD = fileURLToPath(new URL('./approval-child.ts', import.meta.url));

let fixture: FixtureServer;
let map: MapServer;
let model: ModelServer;
let t: TempStore;

beforeAll(async () => {
  fixture = await startFixtureServer({ name: 'counter', tools: ['increment'] });
  map = await startMapServer();
  const signer = await hsSigner();
  map.serve(
    await signedMap({ connectors: [connector('counter', fixture.url)], version: 1, now: Date.now(), signer }),
  );
  model = await startModelServer({ responses: false, respond: modelAnswer });
  t = await tempStore();
});

/** The model: calls `counter__increment` until it sees the tool's result, then answers with it. */
function modelAnswer(r: ModelServerRequest): ModelStep {
  const messages = (r.body.messages ?? []) as { role: string; content: unknown }[];
  const result = messages.find((m) => m.role === 'tool');
  if (!result) return { toolCalls: [{ name: 'counter__increment', arguments: {}, id: 'call-inc-1' }] };
  return {
    text: `counter is now ${typeof result.content === 'string' ? result.content : JSON.stringify(result.content)}`,
  };
}

afterAll(async () => {
  await fixture.stop();
  await map.close();
  await model.close();
  await t.remove();
});

interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the child script in a new Node process (workspace sources through tsx). */
function child(phase: 'start' | 'resume', runId: string): Promise<ChildResult> {
  const proc = spawn(process.execPath, ['--conditions=@cortex-os/source', '--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      PHASE: phase,
      MAP_URL: map.url,
      MODEL_URL: model.baseURL,
      RUNS_DIR: t.dir,
      RUN_ID: runId,
      CALL_ID: 'call-inc-1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

const increments = (): number => fixture.calls.filter((c) => c.tool === 'increment').length;

describe('approvals survive a process restart', () => {
  it('a killed process leaves the run at its approval; a new process resumes it and the call runs once', async () => {
    const first = await child('start', 'restart-1');
    expect(first.signal, first.stderr).toBe('SIGKILL');
    expect(JSON.parse(first.stdout)).toMatchObject({
      status: 'interrupted',
      runId: 'restart-1',
      pending: [{ callId: 'call-inc-1', tool: 'counter__increment' }],
    });
    expect(increments()).toBe(0);
    expect((await readMeta(t.store, 'restart-1')).status).toBe('interrupted');

    const second = await child('resume', 'restart-1');
    expect(second.code, second.stderr).toBe(0);
    const done = JSON.parse(second.stdout) as {
      status: string;
      finalOutput: string;
      usage: { toolCalls: number };
    };
    expect(done.status).toBe('completed');
    expect(done.finalOutput).toBe('counter is now 1');
    expect(done.usage.toolCalls).toBe(1);
    expect(increments()).toBe(1);
    expect(model.requests.map((r) => r.api)).toEqual(['chat', 'chat']);
    const meta = await readMeta(t.store, 'restart-1');
    expect([meta.status, meta.pending]).toEqual(['completed', []]);
    const log = await logOf(t.store, 'restart-1');
    expect(
      log.filter((e) =>
        ['approval_requested', 'approval', 'tool_call', 'run_completed'].includes(String(e.type)),
      ),
    ).toMatchObject([
      { type: 'approval_requested', callId: 'call-inc-1', tool: 'counter__increment' },
      { type: 'approval', callId: 'call-inc-1', decision: 'approved' },
      { type: 'tool_call', callId: 'call-inc-1', tool: 'counter__increment' },
      { type: 'run_completed', toolCalls: 1 },
    ]);
  });
});
