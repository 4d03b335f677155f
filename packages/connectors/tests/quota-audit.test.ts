import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { keyId } from '@cortex-os/server-kit';
import {
  API_KEY,
  connector,
  controlledSource,
  readSse,
  removeDir,
  rest,
  signedMapText,
  startApp,
  testEnv,
} from './helpers.js';

describe('REST tool calls: quotas, quota events and audit', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    dir = await mkdtemp(join(tmpdir(), 'brainwav-audit-'));
    const entry = connector('tight', fixture.url, {
      quotas: { perMinute: 1, perHour: 100 },
      tools: { deny: ['crash'] },
    });
    app = await startApp(
      testEnv({ CONNECTORS_AUDIT_LOG: join(dir, 'audit.jsonl') }),
      controlledSource(await signedMapText([entry])),
      { quotaCoalesceMs: 10 },
    );
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.stop();
    await removeDir(dir);
  });

  it('answers QUOTA_EXCEEDED over the per-minute quota, publishes an exceeded quota event, and audits without arguments', async () => {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await fetch(`${base}/v1/connectors/events`, { headers: rest });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/connectors/tight/tools/echo/call',
        headers: rest,
        payload: { arguments: { text: 'secret-argument-value' } },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json<{
        isError?: boolean;
        _meta?: Record<string, { code: string; retryAfterSeconds: number }>;
      }>();
      const meta = body._meta?.['io.brainwav/error'];
      outcomes.push(body.isError ? (meta?.code ?? 'error') : 'ok');
      if (meta) expect(meta.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    expect(outcomes).toContain('QUOTA_EXCEEDED');
    const { events } = await readSse(stream, (ev) =>
      ev.some((e) => e.event === 'quota' && e.data!.includes('"exceeded":true')),
    );
    const quota = events
      .filter((e) => e.event === 'quota')
      .map((e) => JSON.parse(e.data!) as { exceeded: boolean; connectorId: string });
    expect(quota).toContainEqual(expect.objectContaining({ connectorId: 'tight', exceeded: true }));
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/brainwav_mcp_quota_exceeded_total\{connector="tight"\} [12]/);

    await expect
      .poll(
        async () =>
          (await readFile(join(dir, 'audit.jsonl'), 'utf8').catch(() => '')).trim().split('\n').length,
      )
      .toBe(3);
    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      brand: 'brAInwav',
      connectorId: 'tight',
      tool: 'echo',
      callerId: keyId(API_KEY),
      endpoint: 'rest',
    });
    expect(lines.every((l) => l.endpoint === 'rest')).toBe(true);
    expect(lines.map((l) => l.outcome)).toContain('quota_exceeded');
    const text = await readFile(join(dir, 'audit.jsonl'), 'utf8');
    expect(text).not.toContain('secret-argument-value');
    expect(text).not.toContain(API_KEY);
  });

  it('refuses a tool the manifest filters out', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/connectors/tight/tools/crash/call',
      headers: rest,
      payload: {},
    });
    const body = res.json<{ isError: boolean; _meta: Record<string, { code: string }> }>();
    expect(body.isError).toBe(true);
    expect(body._meta['io.brainwav/error']!.code).toBe('NOT_FOUND');
  });
});
