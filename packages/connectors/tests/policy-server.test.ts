import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Client } from '@modelcontextprotocol/client';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import {
  MCP_KEY,
  connector,
  controlledSource,
  removeDir,
  signedMapText,
  startApp,
  testEnv,
} from './helpers.js';
import { connectMcp, errorMeta, replaceFile, toolNames } from './policy-helpers.js';

/** Env-key principals have the role of their scope: `mcp` for MCP_API_KEY. */
const ALLOW_ALL = `version: 1
rules:
  - id: mcp-everything
    effect: allow
    roles: [mcp]
`;
const NO_ADD = `${ALLOW_ALL}  - id: no-add
    effect: deny
    roles: [mcp]
    tools: [add]
`;
const BROKEN = 'version: 1\nrules:\n  - id: broken\n    effect: maybe\n';

type CallResult = { isError?: boolean; content?: unknown; _meta?: Record<string, unknown> };
type Readyz = { status: string; reason?: string; policy: Record<string, unknown> };

const roomy = { quotas: { perMinute: 100_000, perHour: 1_000_000 } };

describe('policy file at startup', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'brainwav-policy-start-'));
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  const cases: [string, string | undefined, string, (path: string) => string][] = [
    [
      'effect.yaml',
      BROKEN,
      'POLICY_INVALID',
      (p) =>
        `brAInwav: policy ${p}: rules[0] (id "broken").effect: invalid option: expected one of "allow"|"deny"`,
    ],
    [
      'args.yaml',
      `${ALLOW_ALL}  - id: no-delete\n    effect: deny\n    when: args.x == 1\n`,
      'POLICY_INVALID',
      (p) =>
        `brAInwav: policy ${p}: rules[1] (id "no-delete").when: unknown variable args in phase list (args exists only in phase call: set phase: call)`,
    ],
    [
      'syntax.yaml',
      'version: 1\nrules: [\n',
      'POLICY_INVALID',
      (p) => `brAInwav: policy ${p}: invalid YAML at line 3, column 1 (BAD_INDENT)`,
    ],
    [
      'missing.yaml',
      undefined,
      'POLICY_NOT_FOUND',
      (p) => `brAInwav: policy file ${p} cannot be read (ENOENT)`,
    ],
  ];

  it.each(cases)(
    'buildApp rejects %s with the path-precise branded message',
    async (name, text, code, message) => {
      const path = join(dir, name);
      if (text !== undefined) await writeFile(path, text);
      const map = await signedMapText([connector('fixtures', 'http://127.0.0.1:9/mcp')]);
      const started = startApp(testEnv({ CONNECTORS_POLICY_FILE: path }), controlledSource(map));
      await expect(started).rejects.toMatchObject({ code, message: message(path) });
    },
  );
});

describe('policy file while running', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let base: string;
  let dir: string;
  let policyPath: string;
  const clients: Client[] = [];

  async function client(path = '/mcp'): Promise<Client> {
    const c = await connectMcp(`${base}${path}`, MCP_KEY);
    clients.push(c);
    return c;
  }

  const readyz = async (): Promise<Readyz> => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    return res.json<Readyz>();
  };

  /** Resolves once the policy in force has `rules` rules, state ok, loaded after `since`. */
  async function applied(rules: number, since: string): Promise<string> {
    await expect
      .poll(() => {
        const h = app.connectors.policy.health() as { state: string; rules: number; loadedAt: string };
        return h.state === 'ok' && h.rules === rules && h.loadedAt > since;
      })
      .toBe(true);
    return (app.connectors.policy.health() as { loadedAt: string }).loadedAt;
  }

  const loadedAt = () => (app.connectors.policy.health() as { loadedAt: string }).loadedAt;

  beforeEach(async () => {
    fixture = await startFixtureServer({ tools: ['echo', 'add'] });
    dir = await mkdtemp(join(tmpdir(), 'brainwav-policy-run-'));
    policyPath = join(dir, 'policy.yaml');
    await writeFile(policyPath, ALLOW_ALL);
    const map = await signedMapText([connector('fixtures', fixture.url, roomy)]);
    app = await startApp(testEnv({ CONNECTORS_POLICY_FILE: policyPath }), controlledSource(map));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close().catch(() => undefined);
    await app?.close();
    await fixture?.stop();
    if (dir) await removeDir(dir);
  });

  it('an invalid edit degrades /readyz naming the file and keeps the last good policy; a valid edit applies in the open session', async () => {
    const session = await client();
    expect(await readyz()).toMatchObject({
      status: 'ready',
      policy: { state: 'ok', path: policyPath, rules: 1 },
    });
    expect((await readyz()).reason).toBeUndefined();
    const first = loadedAt();

    await replaceFile(policyPath, BROKEN);
    await expect.poll(async () => (await readyz()).status).toBe('degraded');
    const refused = `policy ${policyPath}: rules[0] (id "broken").effect: invalid option: expected one of "allow"|"deny"`;
    const degraded = await readyz();
    expect(degraded.reason).toBe(
      `brAInwav: the policy file was refused, the last good policy stays in force: ${refused}`,
    );
    expect(degraded.policy).toEqual({
      state: 'degraded',
      path: policyPath,
      rules: 1,
      loadedAt: first,
      reason: `brAInwav: ${refused}`,
    });
    // the last good policy (allow everything) still decides, in the open session and a new one
    expect(await session.callTool({ name: 'fixtures__add', arguments: { a: 1, b: 2 } })).toEqual({
      content: [{ type: 'text', text: '3' }],
    });
    expect(await toolNames(await client())).toEqual([
      'fixtures__echo',
      'fixtures__add',
      'connectors_dashboard',
    ]);

    await replaceFile(policyPath, NO_ADD);
    await applied(2, first);
    const ready = await readyz();
    expect(ready.status).toBe('ready');
    expect(ready.reason).toBeUndefined();
    expect(ready.policy).toMatchObject({ state: 'ok', path: policyPath, rules: 2 });
    expect(ready.policy.reason).toBeUndefined();
    const denied = (await session.callTool({
      name: 'fixtures__add',
      arguments: { a: 1, b: 2 },
    })) as CallResult;
    expect(denied.isError).toBe(true);
    expect(errorMeta(denied)).toEqual({ brand: 'brAInwav', code: 'POLICY_DENIED', ruleId: 'no-add' });
    expect(await toolNames(session)).toEqual(['fixtures__echo', 'connectors_dashboard']);
    expect(await session.callTool({ name: 'fixtures__echo', arguments: { text: 'still' } })).toEqual({
      content: [{ type: 'text', text: 'still' }],
    });
  });

  it('hot reload under load loses no call: 4 clients call while the file is rewritten several times', async () => {
    const sessions = [
      await client(),
      await client(),
      await client('/mcp/connectors/fixtures'),
      await client('/mcp/connectors/fixtures'),
    ];
    const failures: string[] = [];
    const outcomes = { echo: 0, addOk: 0, addDenied: 0 };
    let calls = 0;
    let running = true;

    async function loop(session: Client, prefix: string, n: number): Promise<void> {
      for (let i = 0; running; i += 1) {
        const text = `c${n}-${i}`;
        const echo = (await session.callTool({ name: `${prefix}echo`, arguments: { text } })) as CallResult;
        if (JSON.stringify(echo) === JSON.stringify({ content: [{ type: 'text', text }] }))
          outcomes.echo += 1;
        else failures.push(`echo ${JSON.stringify(echo)}`);
        const add = (await session.callTool({
          name: `${prefix}add`,
          arguments: { a: n, b: i },
        })) as CallResult;
        const meta = errorMeta(add);
        if (
          !add.isError &&
          JSON.stringify(add.content) === JSON.stringify([{ type: 'text', text: String(n + i) }])
        )
          outcomes.addOk += 1;
        else if (add.isError && meta?.code === 'POLICY_DENIED' && meta.ruleId === 'no-add')
          outcomes.addDenied += 1;
        else failures.push(`add ${JSON.stringify(add)}`);
        calls += 2;
      }
    }

    const loops = sessions.map((s, n) => loop(s, n < 2 ? 'fixtures__' : '', n));
    let since = loadedAt();
    try {
      for (let round = 0; round < 6; round += 1) {
        const next = round % 2 === 0 ? NO_ADD : ALLOW_ALL;
        // alternately replaced atomically and rewritten in place
        if (round % 3 === 2) await writeFile(policyPath, next);
        else await replaceFile(policyPath, next);
        since = await applied(round % 2 === 0 ? 2 : 1, since);
        const mark = calls;
        await expect.poll(() => calls - mark, { timeout: 20_000 }).toBeGreaterThanOrEqual(16);
      }
    } finally {
      running = false;
      await Promise.all(loops);
    }
    expect(failures).toEqual([]);
    expect(outcomes.echo).toBe(calls / 2);
    expect(outcomes.addOk + outcomes.addDenied).toBe(calls / 2);
    // each policy was in force for at least 16 calls of every kind mix: both answers of add were seen
    expect(outcomes.addOk).toBeGreaterThan(0);
    expect(outcomes.addDenied).toBeGreaterThan(0);
    expect(app.connectors.policy.health()).toMatchObject({ state: 'ok', rules: 1 });
    // every allowed call reached the upstream exactly once, no denied one did
    expect(fixture.calls.length).toBe(outcomes.echo + outcomes.addOk);
  }, 120_000);
});
