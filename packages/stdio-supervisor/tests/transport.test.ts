import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { StdioProcessTransport, StdioSupervisorError, type StdioProcessExit } from '../src/index.js';
import { childEnv } from '../src/launch.js';
import { firstReport, fixture, pidAlive, tempDir, waitFor } from './helpers.js';

function transportFor(
  args: string[],
  extra: Partial<ConstructorParameters<typeof StdioProcessTransport>[0]> = {},
) {
  const workspace = tempDir();
  return new StdioProcessTransport({
    command: process.execPath,
    args,
    env: childEnv(workspace),
    cwd: workspace,
    killGraceMs: 500,
    ...extra,
  });
}

describe('StdioProcessTransport', () => {
  it('skips a non-JSON-RPC line, then closes the session on a line over the cap', async () => {
    const transport = transportFor([fixture('bigline'), String(2 * 1024 * 1024)], {
      maxMessageBytes: 1024 * 1024,
    });
    const messages: JSONRPCMessage[] = [];
    const errors: Error[] = [];
    const exits: StdioProcessExit[] = [];
    let closed = 0;
    transport.onmessage = (m) => messages.push(m);
    transport.onerror = (e) => errors.push(e);
    transport.onexit = (e) => exits.push(e);
    transport.onclose = () => (closed += 1);
    await transport.start();
    const pid = transport.pid as number;
    await waitFor(() => closed === 1, 10_000, 'close');
    expect(messages).toEqual([{ jsonrpc: '2.0', method: 'fixture/report', params: { before: true } }]);
    const limit = errors.find((e) => e instanceof StdioSupervisorError) as StdioSupervisorError;
    expect(limit.code).toBe('STDIO_LIMIT_EXCEEDED');
    expect(limit.message).toBe('brAInwav: stdio sent a message larger than 1048576 bytes');
    expect(errors.length).toBe(2); // the schema error of the non-JSON-RPC line, then the limit
    expect(exits).toEqual([
      { code: null, signal: 'SIGTERM', requested: false, reason: 'message larger than 1048576 bytes' },
    ]);
    expect(pidAlive(pid)).toBe(false);
    expect(transport.running).toBe(false);
  });

  it('send before spawn or after exit is a branded error; close before start is a no-op', async () => {
    const transport = transportFor([fixture('idle')]);
    const early = await transport.send({ jsonrpc: '2.0', method: 'x' }).catch((e: unknown) => e);
    expect((early as StdioSupervisorError).code).toBe('STDIO_SPAWN_FAILED');
    let closed = 0;
    transport.onclose = () => (closed += 1);
    await transport.close();
    expect(closed).toBe(1);
    expect(transport.pid).toBeUndefined();
  });

  it('a command that cannot be executed rejects start with STDIO_SPAWN_FAILED', async () => {
    const transport = new StdioProcessTransport({
      command: '/nonexistent/server',
      env: {},
      connectorId: 'ghost',
    });
    const error = await transport.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StdioSupervisorError);
    expect((error as StdioSupervisorError).code).toBe('STDIO_SPAWN_FAILED');
    expect((error as Error).message).toBe(
      'brAInwav: ghost could not be started (ENOENT: /nonexistent/server)',
    );
  });

  it('start twice is refused', async () => {
    const transport = transportFor([fixture('idle')]);
    await transport.start();
    const again = await transport.start().catch((e: unknown) => e);
    expect((again as StdioSupervisorError).code).toBe('CONFIG_INVALID');
    await transport.close();
    expect(transport.running).toBe(false);
  });

  it('a send blocked by backpressure settles when the child dies', async () => {
    const transport = transportFor([fixture('hang')]); // never reads stdin: the pipe fills up
    const { pid } = await firstReport<{ pid: number }>(transport);
    const big = { jsonrpc: '2.0' as const, method: 'big', params: { x: 'y'.repeat(4 * 1024 * 1024) } };
    let settled = false;
    const sending = transport.send(big).then(() => (settled = true));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // really blocked
    process.kill(pid, 'SIGKILL');
    await sending;
    expect(settled).toBe(true);
    await transport.close();
  });

  it('close() racing the clean-up of a leader that died on its own keeps the exit unexpected', async () => {
    const transport = transportFor([fixture('fork'), 'race', 'hold-stdout'], { killGraceMs: 400 });
    const exits: StdioProcessExit[] = [];
    transport.onexit = (e) => exits.push(e);
    const report = await firstReport<{ pid: number; grandchildren: number[] }>(transport);
    process.kill(report.pid, 'SIGKILL');
    await waitFor(() => !existsSync(`/proc/${report.pid}`), 5_000, 'leader reaped'); // reaped = 'exit' delivered
    expect(exits).toEqual([]); // still cleaning up: the stubborn grandchild holds the group for the grace
    await transport.close();
    expect(exits).toEqual([{ code: null, signal: 'SIGKILL', requested: false }]);
    expect(report.grandchildren.filter(pidAlive)).toEqual([]);
  });
});
